import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt';
import type { MqttConfig } from '../../src/config/types';
import { responseTopicRefusal } from '../../src/mqtt/response-topic';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { findMosquitto, restartMosquitto, startMosquitto, type Mosquitto } from './mosquitto';
import { TcpProxy } from './tcp-proxy';
import { TestClient, isRecord, tryJson } from './support';

const FRONT = 'testvendor_front';
const BACK = 'testvendor_back';
const GARAGE = 'testvendor_garage';

describe('mqtt: response topics are checked (no broker needed)', () => {
  const rules = { base: 'lockbridge', discoveryPrefix: 'homeassistant' };
  it('refuses command topics, the bridge and discovery trees, and topics outside a configured prefix', () => {
    for (const topic of [
      'zigbee2mqtt/garage_door/set',
      'zigbee2mqtt/garage_door/set/state',
      'cmnd/tasmota_1/POWER',
      'esphome/switch/relay/command',
      'lockbridge/testvendor_front/set',
      'lockbridge/bridge/response/locks',
      'lockbridge/testvendor_front/state',
      'homeassistant/lock/x/y/config',
      'homeassistant/status',
      '$SYS/broker',
      'replies/#',
      '',
    ])
      assert.ok(responseTopicRefusal(topic, rules), topic);
    for (const topic of ['replies/me/lock', 'nodered/answers', 'lockbridge2/x', 'settings/reply'])
      assert.equal(responseTopicRefusal(topic, rules), undefined, topic);
    assert.ok(responseTopicRefusal('nodered/answers', { ...rules, prefix: 'replies/' }));
    assert.equal(responseTopicRefusal('replies/me', { ...rules, prefix: 'replies/' }), undefined);
  });
});

describe('mqtt bridge on a real mosquitto: MQTT 5 rules and a broker restart', function () {
  this.timeout(30_000);
  let binary: string;
  let broker: Mosquitto;
  let hub: HubFixture;
  let logs: MemorySink;
  const cleanup: Array<() => Promise<void>> = [];

  before(async function () {
    const found = findMosquitto();
    if (!found) {
      const message = 'mosquitto is not installed (apt-get install mosquitto); skipping the MQTT 5 tests';
      if (process.env.LOCKBRIDGE_REQUIRE_MOSQUITTO)
        throw new Error(`${message} - but LOCKBRIDGE_REQUIRE_MOSQUITTO is set`);
      console.warn(`      ${message}`);
      this.skip();
    }
    binary = found;
    broker = await startMosquitto(binary);
  });
  after(async () => {
    await broker?.stop();
  });
  beforeEach(async () => {
    hub = await startHubFixture();
    logs = new MemorySink();
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await hub?.stop();
  });

  const bridgeOn = async (url: string, config: MqttConfig = {}): Promise<MqttBridge> => {
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { url, homeAssistant: { enabled: false }, ...config },
      logger: new RedactingLogger(logs),
      reconnectPeriodMs: 100,
    });
    cleanup.push(() => bridge.stop());
    return bridge;
  };
  const client = async (url: string): Promise<TestClient> => {
    const c = await TestClient.connect(url, { protocolVersion: 5 });
    cleanup.push(() => c.end());
    return c;
  };

  it("never answers on another application's command topic or inside the bridge's trees", async () => {
    await bridgeOn(broker.url);
    const c = await client(broker.url);
    await c.subscribe(['#']);
    const forbidden = [
      'zigbee2mqtt/garage_door/set',
      'zigbee2mqtt/garage_door/set/state',
      'cmnd/plug/POWER',
      `lockbridge/${FRONT}/set`,
      'homeassistant/lock/evil/x/config',
    ];
    for (const responseTopic of forbidden)
      await c.publish('lockbridge/bridge/request/locks', '{}', { properties: { responseTopic } });
    // A request answered on an allowed topic comes after every answer above (one connection, in order).
    await c.publish('lockbridge/bridge/request/locks', '{}', {
      properties: { responseTopic: 'replies/last', correlationData: Buffer.from('last') },
    });
    await c.waitFor('replies/last');
    for (const topic of forbidden)
      assert.equal(c.received.filter((m) => m.topic === topic).length, 0, `nothing on ${topic}`);
    assert.equal(c.received.filter((m) => m.topic === 'lockbridge/bridge/response/locks').length, 6);
    assert.match(
      logs.text(),
      /not on the response topic zigbee2mqtt\/garage_door\/set: it is a command topic/,
    );
    assert.equal(hub.emulator.commands.length, 0);
  });

  it('keeps response topics within mqtt.responseTopicPrefix when it is set', async () => {
    await bridgeOn(broker.url, { baseTopic: 'lb2', responseTopicPrefix: 'replies/' });
    const c = await client(broker.url);
    await c.subscribe(['elsewhere/#', 'replies/#']);
    await c.publish('lb2/bridge/request/locks', '{}', { properties: { responseTopic: 'elsewhere/x' } });
    await c.publish('lb2/bridge/request/locks', '{}', { properties: { responseTopic: 'replies/x' } });
    await c.waitFor('replies/x');
    assert.equal(c.received.filter((m) => m.topic === 'elsewhere/x').length, 0);
  });

  it('answers a request over 64 KB with its correlation data, on the set topic too', async () => {
    await bridgeOn(broker.url);
    const c = await client(broker.url);
    await c.subscribe('replies/#');
    const big = JSON.stringify({ lock: FRONT, name: 'x'.repeat(70 * 1024), transaction: 'lost-in-the-bulk' });
    await c.publish('lockbridge/bridge/request/codes/create', big, {
      properties: { responseTopic: 'replies/big', correlationData: Buffer.from('big-1') },
    });
    const answer = await c.waitFor('replies/big');
    assert.deepEqual(answer.properties?.correlationData, Buffer.from('big-1'));
    const body = tryJson(answer.payload) as {
      status: string;
      transaction?: string;
      error: { code: string; message: string };
    };
    assert.equal(body.status, 'error');
    assert.equal(body.transaction, 'lost-in-the-bulk');
    assert.equal(body.error.code, 'invalid_input');
    assert.match(body.error.message, /larger than 65536 bytes/);

    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', pad: 'y'.repeat(70_000) }),
      {
        properties: { responseTopic: 'replies/bigset', correlationData: Buffer.from('big-2') },
      },
    );
    const set = await c.waitFor('replies/bigset');
    assert.deepEqual(set.properties?.correlationData, Buffer.from('big-2'));
    assert.equal((tryJson(set.payload) as { error: { code: string } }).error.code, 'invalid_input');
    assert.equal(hub.emulator.commands.length, 0);
  });

  it('holds commands while mosquitto restarts (persistent session), answers them, and refuses a stale one', async () => {
    const store = mkdtempSync(join(tmpdir(), 'lockbridge-mosquitto-store-'));
    cleanup.push(async () => rmSync(store, { recursive: true, force: true }));
    let restartable = await startMosquitto(binary, { persistenceDir: store });
    cleanup.push(() => restartable.stop());
    const proxy = new TcpProxy(restartable.port);
    const proxied = await proxy.start();
    cleanup.push(() => proxy.stop());
    await bridgeOn(proxied);

    proxy.cut();
    await restartable.stop();
    restartable = await restartMosquitto(binary, restartable.port, { persistenceDir: store });
    const c = await client(restartable.url);
    await c.subscribe('lockbridge/bridge/response/command');
    const answers = ['held-fresh', 'held-stale', 'held-with-expiry'].map((t) =>
      c
        .waitFor('lockbridge/bridge/response/command', (j) => isRecord(j) && j.transaction === t, 15_000)
        .then((m) => tryJson(m.payload) as { status: string; error?: { code: string } }),
    );
    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'held-fresh', sent_at: Date.now() }),
    );
    await c.publish(
      `lockbridge/${GARAGE}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'held-stale', sent_at: Date.now() - 120_000 }),
    );
    // An MQTT 5 expiry of its own: mosquitto counts it down while it holds it (the bridge sees what is left).
    await c.publish(
      `lockbridge/${BACK}/set`,
      JSON.stringify({ command: 'LOCK', transaction: 'held-with-expiry' }),
      {
        properties: { messageExpiryInterval: 600 },
      },
    );
    proxy.resume();
    const [fresh, stale, expiring] = await Promise.all(answers);
    assert.equal(fresh.status, 'ok', JSON.stringify(fresh));
    assert.equal(stale.error?.code, 'expired');
    assert.equal(expiring.status, 'ok', JSON.stringify(expiring));
    assert.deepEqual(hub.emulator.commands.map((x) => `${x.lockId}:${x.command}`).sort(), [
      'back:lock',
      'front:unlock',
    ]);
  });
});
