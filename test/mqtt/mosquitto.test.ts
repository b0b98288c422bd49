import assert from 'node:assert/strict';
import { MqttLockSource, startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { findMosquitto, startMosquitto, type Mosquitto } from './mosquitto';
import { TestClient, eventually, tryJson } from './support';

const FRONT = 'testvendor_front';

describe('mqtt bridge on a real mosquitto: MQTT 5', function () {
  this.timeout(20_000);
  let broker: Mosquitto;
  let hub: HubFixture;
  let bridge: MqttBridge;
  let logs: MemorySink;

  before(async function () {
    const binary = findMosquitto();
    if (!binary) {
      const message = 'mosquitto is not installed (apt-get install mosquitto); skipping the MQTT 5 tests';
      if (process.env.LOCKBRIDGE_REQUIRE_MOSQUITTO)
        throw new Error(`${message} - but LOCKBRIDGE_REQUIRE_MOSQUITTO is set`);
      console.warn(`      ${message}`);
      this.skip();
    }
    broker = await startMosquitto(binary);
  });
  after(async () => {
    await broker?.stop();
  });

  beforeEach(async () => {
    hub = await startHubFixture();
    logs = new MemorySink();
    bridge = await startMqttBridge({
      source: hub.hub,
      config: { url: broker.url },
      logger: new RedactingLogger(logs),
    });
  });
  afterEach(async () => {
    await bridge?.stop();
    await hub?.stop();
  });

  it('connects with MQTT 5 and answers on the response topic with the correlation data', async () => {
    assert.ok(!logs.text().includes('refused MQTT 5'));
    const c = await TestClient.connect(broker.url, { protocolVersion: 5 });
    await c.subscribe('replies/me/#');
    const correlationData = Buffer.from('corr-42');
    await c.publish('lockbridge/bridge/request/lock', JSON.stringify({ lock: FRONT }), {
      properties: { responseTopic: 'replies/me/lock', correlationData },
    });
    const reply = await c.waitFor('replies/me/lock');
    assert.deepEqual(reply.properties?.correlationData, correlationData);
    const body = tryJson(reply.payload) as Record<string, Record<string, unknown>>;
    assert.equal(body.status as unknown, 'ok');
    assert.equal(body.data.name, 'Front Door');

    // A command on the set topic answers there too.
    await c.publish(`lockbridge/${FRONT}/set`, 'UNLOCK', {
      properties: { responseTopic: 'replies/me/unlock', correlationData: Buffer.from('corr-43') },
    });
    const set = await c.waitFor('replies/me/unlock');
    assert.deepEqual(set.properties?.correlationData, Buffer.from('corr-43'));
    assert.equal((tryJson(set.payload) as Record<string, unknown>).status, 'ok');
    // A response topic pointing into the bridge's own tree is not used.
    await c.publish('lockbridge/bridge/request/locks', '{}', {
      properties: { responseTopic: `lockbridge/${FRONT}/set` },
    });
    await c.subscribe('lockbridge/bridge/response/locks');
    await c.waitFor('lockbridge/bridge/response/locks');
    assert.deepEqual(
      hub.emulator.commands.map((x) => x.command),
      ['unlock'],
    );
    await c.end();
  });

  it('honours the message expiry interval of a command that waited too long', async () => {
    // The first command holds the lock's queue for two seconds; the second may live for one.
    hub.emulator.server.faults.latency(2000, { path: /commands/, count: 1 });
    const c = await TestClient.connect(broker.url, { protocolVersion: 5 });
    await c.subscribe('replies/#');
    await c.publish(`lockbridge/${FRONT}/set`, 'UNLOCK', { properties: { responseTopic: 'replies/first' } });
    await eventually(
      () =>
        hub.emulator.server.requests.some((r) => /commands/.test(r.path)) || hub.emulator.commands.length > 0,
    );
    await c.publish(`lockbridge/${FRONT}/set`, 'LOCK', {
      properties: { responseTopic: 'replies/second', messageExpiryInterval: 1 },
    });
    const second = tryJson((await c.waitFor('replies/second', () => true, 10_000)).payload) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(second.error.code, 'expired');
    const first = tryJson((await c.waitFor('replies/first', () => true, 10_000)).payload) as Record<
      string,
      unknown
    >;
    assert.equal(first.status, 'ok');
    assert.deepEqual(
      hub.emulator.commands.map((x) => x.command),
      ['unlock'],
    );
    await c.end();
  });

  it('refuses a retained command, even on a live subscription, and clears it', async () => {
    const c = await TestClient.connect(broker.url, { protocolVersion: 4 });
    await c.subscribe('lockbridge/bridge/response/command');
    await c.publish(`lockbridge/${FRONT}/set`, 'UNLOCK', { retain: true });
    const answer = tryJson((await c.waitFor('lockbridge/bridge/response/command')).payload) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(answer.error.code, 'invalid_input');
    assert.match(String(answer.error.message), /Retained/);
    const late = await TestClient.connect(broker.url);
    await late.subscribe(`lockbridge/${FRONT}/set`);
    await late.request('locks');
    assert.equal(
      late.received.filter((m) => m.topic.endsWith('/set')).length,
      0,
      'the retained command was cleared',
    );
    // One refusal, no more: clearing it did not start a loop of refusals.
    assert.equal(c.received.filter((m) => m.topic === 'lockbridge/bridge/response/command').length, 1);
    await late.end();
    await c.end();
    assert.equal(hub.emulator.commands.length, 0);
  });

  it('serves the MQTT lock source', async () => {
    const source = new MqttLockSource({ url: broker.url, requestTimeoutMs: 5000 });
    try {
      await source.start();
      assert.equal((await source.listLocks()).length, 3);
      const result = await source.command({ lockId: FRONT, command: 'UNLOCK', transaction: 'mine' });
      assert.equal(result.transaction, 'mine');
      assert.equal(result.status.state, 'UNLOCKED');
      await eventually(async () => (await source.getLock(FRONT)).status.state === 'UNLOCKED');
    } finally {
      await source.stop();
    }
  });
});
