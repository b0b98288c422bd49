import assert from 'node:assert/strict';
import net from 'node:net';
import { startMqttBridge, MqttLockSource } from '../../src/mqtt';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TestClient, startBridgeFixture } from './support';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('mqtt: secrets and PINs stay out of logs and errors', function () {
  this.timeout(15_000);
  let hub: HubFixture;
  before(async () => {
    hub = await startHubFixture();
  });
  after(async () => {
    await hub.stop();
  });

  it('never shows the broker password of a URL or the config in an error or a log line', async () => {
    const logs = new MemorySink();
    const port = await closedPort();
    let error: unknown;
    try {
      await startMqttBridge({
        source: hub.hub,
        config: {
          url: `mqtt://user:url-secret-pw@127.0.0.1:${port}`,
          password: 'config-secret-pw',
          username: 'u',
        },
        logger: new RedactingLogger(logs),
        connectTimeoutMs: 300,
      });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof LockbridgeError);
    assert.equal(error.code, 'vendor_unavailable');
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    const everything = `${error.message} ${JSON.stringify(error)} ${logs.text()}`;
    assert.ok(!everything.includes('url-secret-pw'));
    assert.ok(!everything.includes('config-secret-pw'));

    const source = new MqttLockSource({
      url: `mqtt://me:src-secret-pw@127.0.0.1:${port}`,
      requestTimeoutMs: 300,
    });
    await assert.rejects(
      source.start(),
      (e: unknown) => e instanceof LockbridgeError && !e.message.includes('src-secret-pw'),
    );
    await source.stop();
  });

  it('logs requests that carry PINs, unlock codes and two-factor codes without them', async () => {
    const f = await startBridgeFixture({ unlockCodes: { testvendor_front: '80808080' } });
    try {
      const c = await TestClient.connect(f.bridge.brokerUrl);
      await c.request('codes/create', { lock: 'testvendor_front', name: 'Guest', code: '314159' });
      await c.request('codes/create', { lock: 'testvendor_garage', name: 'Bad', code: '271828' });
      await c.request('codes/validate', { lock: 'testvendor_front', name: 'Short', code: '16' });
      await c.request('command', { lock: 'testvendor_front', command: 'UNLOCK', code: '80818081' });
      await c.request('command', { lock: 'testvendor_front', command: 'UNLOCK', code: '80808080' });
      await c.request('two_factor/submit', { account: 'tv', code: '424242' });
      await c.publish('lockbridge/testvendor_front/set', '{"command":"OPEN","code":"80828082"');
      await c.request('locks');
      await c.end();
      const logs = f.logs.text() + f.hub.logs.text();
      assert.ok(logs.length > 0);
      for (const secret of ['314159', '271828', '80808080', '80818081', '80828082', '424242'])
        // Whole numbers only: a port or a request id in a log line may hold the same digits by chance.
        assert.ok(!new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(logs), `${secret} appears in the logs`);
      const published = c.received.map((m) => m.payload.toString()).join('\n');
      for (const secret of ['314159', '80808080', '424242'])
        assert.ok(!published.includes(secret), `${secret} was published`);
    } finally {
      await f.stop();
    }
  });
});
