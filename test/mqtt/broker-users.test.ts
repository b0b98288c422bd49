import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { validateConfig } from '../../src/config/validate';
import { startMqttBridge } from '../../src/mqtt';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/mqtt/password-hash';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TestClient, eventually, startBridgeFixture, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';
const HA_PASSWORD = 'ha-Secret-Pass-1';
const VIEWER_PASSWORD = 'viewer-Secret-Pass-2';

describe('mqtt embedded broker: users with their own passwords and rights', function () {
  this.timeout(20_000);

  it('hashes passwords with a salt, and verifies only the right one', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    assert.match(a, /^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(await verifyPassword('same password', parsePasswordHash(a)!));
    assert.ok(!(await verifyPassword('same passwordX', parsePasswordHash(a)!)));
    assert.equal(parsePasswordHash('$scrypt$N=3,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=='), undefined);
    assert.equal(parsePasswordHash('plain text'), undefined);
  });

  describe('on a real aedes broker', () => {
    let f: BridgeFixture;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lockbridge-users-'));
      // The viewer's password comes from a file (a Docker or systemd secret), newline and all.
      writeFileSync(join(dir, 'viewer.secret'), `${VIEWER_PASSWORD}\n`);
      f = await startBridgeFixture({
        embedded: {
          port: 0,
          users: [
            { username: 'ha', passwordHash: await hashPassword(HA_PASSWORD), rights: 'command' },
            { username: 'viewer', passwordFile: join(dir, 'viewer.secret'), rights: 'read' },
          ],
        },
      });
    });
    after(async () => {
      await f.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const refused = (options: mqtt.IClientOptions) =>
      assert.rejects(mqtt.connectAsync(f.bridge.brokerUrl, { reconnectPeriod: 0, ...options }));

    it("refuses a client claiming another user's name with a wrong password, or none", async () => {
      await refused({ username: 'ha', password: 'guess' });
      await refused({ username: 'ha', password: VIEWER_PASSWORD });
      await refused({ username: 'ha' });
      await refused({});
      await refused({ username: 'nobody', password: HA_PASSWORD });
      const logs = f.logs.text();
      assert.match(logs, /MQTT login refused/);
      for (const secret of [HA_PASSWORD, VIEWER_PASSWORD, 'guess'])
        assert.ok(!logs.includes(secret), 'no password is logged');
    });

    it("refuses a read-only user's UNLOCK; the same UNLOCK from a user with rights runs", async () => {
      const viewer = await TestClient.connect(f.bridge.brokerUrl, {
        username: 'viewer',
        password: VIEWER_PASSWORD,
      });
      viewer.client.on('error', () => undefined);
      await viewer.subscribe(`lockbridge/${FRONT}/state`);
      await viewer.waitFor(`lockbridge/${FRONT}/state`);
      const closed = new Promise<void>((resolve) => viewer.client.once('close', () => resolve()));
      viewer.client.publish(`lockbridge/${FRONT}/set`, 'UNLOCK', { qos: 0 });
      await closed;
      await eventually(() => /Refused a command on lockbridge\/testvendor_front\/set/.test(f.logs.text()));
      assert.match(f.logs.text(), /"viewer"/);
      await viewer.end();

      const ha = await TestClient.connect(f.bridge.brokerUrl, { username: 'ha', password: HA_PASSWORD });
      const answer = await ha.request('command', { lock: FRONT, command: 'UNLOCK' });
      assert.equal(answer.status, 'ok');
      await ha.end();
      // Only ha's command reached the vendor.
      assert.deepEqual(
        f.hub.emulator.commands.map((c) => c.command),
        ['unlock'],
      );
    });
  });

  describe('allowedUsers without per-user credentials', () => {
    let hub: HubFixture;
    before(async () => {
      hub = await startHubFixture();
    });
    after(() => hub.stop());

    it('is a configuration error naming the field, in the config file and in the bridge', async () => {
      const bad = (mqttConfig: Record<string, unknown>) => () =>
        validateConfig({ accounts: [{ vendor: 'sandbox', id: 'd' }], mqtt: mqttConfig });
      assert.throws(bad({ allowedUsers: ['ha'] }), /mqtt\.allowedUsers needs per-user credentials/);
      assert.throws(
        bad({ allowedUsers: ['ha'], embedded: { username: 'ha', password: 'one-login' } }),
        /mqtt\.allowedUsers needs per-user credentials/,
      );
      assert.throws(
        bad({ url: 'mqtt://broker:1883', allowedUsers: ['ha'] }),
        /mqtt\.allowedUsers needs per-user credentials.*broker's ACL/,
      );
      const hash = await hashPassword('x-password');
      assert.throws(
        bad({
          allowedUsers: ['ghost'],
          embedded: { users: [{ username: 'ha', passwordHash: hash, rights: 'command' }] },
        }),
        /mqtt\.allowedUsers\[0\] names no user/,
      );
      assert.throws(
        bad({ embedded: { users: [{ username: 'ha', rights: 'command' }] } }),
        /mqtt\.embedded\.users\[0\] needs exactly one of passwordHash or passwordFile/,
      );
      validateConfig({
        accounts: [{ vendor: 'sandbox', id: 'd' }],
        mqtt: {
          allowedUsers: ['ha'],
          embedded: { users: [{ username: 'ha', passwordHash: hash, rights: 'command' }] },
        },
      });

      await assert.rejects(
        startMqttBridge({
          source: hub.hub,
          config: { embedded: { port: 0 }, allowedUsers: ['ha'] },
          logger: new RedactingLogger(new MemorySink()),
        }),
        (err: unknown) =>
          err instanceof LockbridgeError &&
          err.code === 'invalid_config' &&
          /mqtt\.allowedUsers/.test(err.message),
      );
    });
  });
});
