import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMqttBridge } from '../../src/mqtt';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { hashPassword } from '../../src/mqtt/password-hash';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TestClient, eventually, isRecord, startBridgeFixture, tryJson, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';

describe('mqtt bridge: who may unlock', function () {
  this.timeout(20_000);

  describe('embedded broker listening rules', () => {
    let hub: HubFixture;
    before(async () => {
      hub = await startHubFixture();
    });
    after(async () => {
      await hub.stop();
    });

    it('refuses to listen beyond loopback without a login', async () => {
      await assert.rejects(
        startMqttBridge({
          source: hub.hub,
          config: { embedded: { host: '0.0.0.0', port: 0 } },
          logger: new RedactingLogger(new MemorySink()),
        }),
        (err: unknown) =>
          err instanceof LockbridgeError &&
          err.code === 'invalid_config' &&
          /username and password/.test(err.message),
      );
    });

    it('with a login, lets in only that login (and the bridge itself)', async () => {
      const logs = new MemorySink();
      const bridge = await startMqttBridge({
        source: hub.hub,
        config: { embedded: { port: 0, username: 'home', password: 'correct horse battery' } },
        logger: new RedactingLogger(logs),
      });
      try {
        await assert.rejects(
          mqtt.connectAsync(bridge.brokerUrl, { username: 'home', password: 'wrong', reconnectPeriod: 0 }),
        );
        await assert.rejects(mqtt.connectAsync(bridge.brokerUrl, { reconnectPeriod: 0 }));
        const c = await TestClient.connect(bridge.brokerUrl, {
          username: 'home',
          password: 'correct horse battery',
        });
        assert.equal((await c.request('locks')).status, 'ok');
        await c.end();
        assert.ok(!logs.text().includes('correct horse battery'));
      } finally {
        await bridge.stop();
      }
    });

    it('offers a TLS listener', async function () {
      const dir = mkdtempSync(join(tmpdir(), 'lockbridge-tls-'));
      try {
        try {
          execFileSync(
            'openssl',
            [
              'req',
              '-x509',
              '-newkey',
              'rsa:2048',
              '-nodes',
              '-days',
              '1',
              '-subj',
              '/CN=127.0.0.1',
              '-addext',
              'subjectAltName=IP:127.0.0.1',
              '-keyout',
              join(dir, 'key.pem'),
              '-out',
              join(dir, 'cert.pem'),
            ],
            { stdio: 'ignore' },
          );
        } catch {
          this.skip();
        }
        const bridge = await startMqttBridge({
          source: hub.hub,
          config: {
            embedded: { port: 0, tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), port: 0 } },
          },
          logger: new RedactingLogger(new MemorySink()),
        });
        try {
          assert.match(bridge.tlsBrokerUrl ?? '', /^mqtts:\/\/127\.0\.0\.1:\d+$/);
          const c = await TestClient.connect(bridge.tlsBrokerUrl!, {
            ca: readFileSync(join(dir, 'cert.pem')),
            rejectUnauthorized: true,
          });
          await c.subscribe('lockbridge/bridge/state');
          await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'online');
          await c.end();
        } finally {
          await bridge.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('users and the ACL of the embedded broker', () => {
    let f: BridgeFixture;
    const login = (username: 'alice' | 'mallory') => ({ username, password: `${username}-pass-123` });
    before(async () => {
      f = await startBridgeFixture({
        embedded: {
          port: 0,
          users: [
            { username: 'alice', passwordHash: await hashPassword('alice-pass-123'), rights: 'command' },
            { username: 'mallory', passwordHash: await hashPassword('mallory-pass-123'), rights: 'read' },
          ],
        },
      });
    });
    after(async () => {
      await f.stop();
    });

    it('refuses a command from a user who is not allowed, and logs it without the payload', async () => {
      const mallory = await TestClient.connect(f.bridge.brokerUrl, login('mallory'));
      mallory.client.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => mallory.client.once('close', () => resolve()));
      mallory.client.publish(
        `lockbridge/${FRONT}/set`,
        JSON.stringify({ command: 'UNLOCK', code: 'SECRET-9' }),
        { qos: 0 },
      );
      await closed;
      await eventually(() => f.logs.text().includes('Refused a command'));
      assert.match(f.logs.text(), /"mallory"/);
      assert.ok(!f.logs.text().includes('SECRET-9'));
      assert.ok(!f.logs.text().includes('UNLOCK'));
      await mallory.end();
      assert.equal(f.hub.emulator.commands.length, 0);
    });

    it('keeps responses from users who may not send requests, and lets nobody fake a lock state', async () => {
      const mallory = await TestClient.connect(f.bridge.brokerUrl, login('mallory'));
      mallory.client.on('error', () => undefined);
      // Refused subscriptions get a failure SUBACK (0x80); allowed ones are granted.
      await assert.rejects(mallory.client.subscribeAsync('lockbridge/bridge/response/#'));
      await assert.rejects(mallory.client.subscribeAsync('#'));
      await assert.rejects(mallory.client.subscribeAsync('lockbridge/+/code'));
      await mallory.client.subscribeAsync('lockbridge/+/state');
      const closed = new Promise<void>((resolve) => mallory.client.once('close', () => resolve()));
      mallory.client.publish(`lockbridge/${FRONT}/state`, JSON.stringify({ state: 'UNLOCKED' }), { qos: 0 });
      await closed;
      await mallory.end();

      const alice = await TestClient.connect(f.bridge.brokerUrl, login('alice'));
      await alice.subscribe(`lockbridge/${FRONT}/state`);
      const state = await alice.waitFor(`lockbridge/${FRONT}/state`);
      assert.equal((tryJson(state.payload) as Record<string, unknown>).state, 'LOCKED');
      const answer = await alice.request('command', { lock: FRONT, command: 'UNLOCK' });
      assert.equal(answer.status, 'ok');
      await alice.end();
    });
  });

  describe('unlock codes', () => {
    let f: BridgeFixture;
    before(async () => {
      f = await startBridgeFixture(
        { unlockCodes: { [FRONT]: '135790' } },
        { accountUnlockCodes: { tv: 'account-code-77' } },
      );
    });
    after(async () => {
      await f.stop();
    });

    it('needs the lock code for UNLOCK and OPEN, not for LOCK, and never logs it', async () => {
      const c = await TestClient.connect(f.bridge.brokerUrl);
      await c.subscribe('lockbridge/bridge/response/#');
      const bare = c.waitFor(
        'lockbridge/bridge/response/command',
        (j) => isRecord(j) && j.status === 'error',
      );
      await c.publish(`lockbridge/${FRONT}/set`, 'UNLOCK');
      assert.equal(
        (tryJson((await bare).payload) as Record<string, Record<string, unknown>>).error.code,
        'forbidden',
      );
      const wrong = await c.request('command', { lock: FRONT, command: 'OPEN', code: '135791' });
      assert.equal((wrong.error as Record<string, unknown>).code, 'forbidden');
      // The account code does not open a lock that has its own.
      const other = await c.request('command', { lock: FRONT, command: 'UNLOCK', code: 'account-code-77' });
      assert.equal((other.error as Record<string, unknown>).code, 'forbidden');
      assert.equal(f.hub.emulator.commands.length, 0);
      const lock = await c.request('command', { lock: FRONT, command: 'LOCK' });
      assert.equal(lock.status, 'ok');
      const right = await c.request('command', { lock: FRONT, command: 'UNLOCK', code: '135790' });
      assert.equal(right.status, 'ok');
      // Home Assistant's command_template form.
      const ha = c.waitFor(
        'lockbridge/bridge/response/command',
        (j) => isRecord(j) && j.status === 'ok' && isRecord(j.data) && j.data.command === 'OPEN',
      );
      await c.publish(`lockbridge/${FRONT}/set`, '{"command": "OPEN", "code": "135790"}');
      await ha;
      // The account code guards the account's other locks.
      const back = await c.request('command', { lock: 'testvendor_back', command: 'UNLOCK' });
      assert.equal((back.error as Record<string, unknown>).code, 'forbidden');
      const backOk = await c.request('command', {
        lock: 'testvendor_back',
        command: 'UNLOCK',
        code: 'account-code-77',
      });
      assert.equal(backOk.status, 'ok');
      await c.end();
      const logs = f.logs.text() + f.hub.logs.text();
      for (const secret of ['135790', '135791', 'account-code-77'])
        assert.ok(!logs.includes(secret), `${secret} logged`);
    });
  });
});
