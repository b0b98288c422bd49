import assert from 'node:assert/strict';
import net from 'node:net';
import { Aedes } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import type { MqttConfig } from '../../src/config/types';
import { RECORD_NAME, loadRecord } from '../../src/mqtt/ha/discovery-record';
import { entitiesOf, removalsOf } from './home-assistant-schema';
import {
  ManualTimers,
  TestClient,
  eventually,
  isRecord,
  startBridgeFixture,
  tryJson,
  type BridgeFixture,
  type Received,
} from './support';

const FRONT = 'testvendor_front';
const BACK = 'testvendor_back';
const device = (lock: string, prefix = 'homeassistant') => `${prefix}/device/lockbridge/${lock}/config`;
const entityTopic = (platform: string, lock: string, id: string) =>
  `homeassistant/${platform}/lockbridge/lockbridge_${lock}_${id}/config`;
type Config = Record<string, unknown>;

interface Broker {
  url: string;
  /** What the broker holds retained under a filter, read from its store (no replay to wait for). */
  retained(filter: string): Promise<Array<{ topic: string; payload: Buffer }>>;
  stop(): Promise<void>;
}

/** A real aedes broker on 127.0.0.1 that outlives the bridges started against it (its retained configs too). */
async function startAedes(): Promise<Broker> {
  const persistence = aedesPersistence();
  const aedes = await Aedes.createBroker({ persistence });
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async retained(filter) {
      const out: Array<{ topic: string; payload: Buffer }> = [];
      for await (const packet of persistence.createRetainedStream(filter) as AsyncIterable<{
        topic: string;
        payload: Buffer;
      }>)
        out.push({ topic: packet.topic, payload: Buffer.from(packet.payload) });
      return out;
    },
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a Home Assistant starting now would get: the configs retained under the prefix, each checked. */
async function retainedConfigs(broker: Broker): Promise<Array<{ topic: string; payload: Buffer }>> {
  const kept = await broker.retained('homeassistant/#');
  assert.ok(kept.length > 0 && kept.every((m) => m.payload.length > 0), 'no empty config is kept');
  return kept;
}

describe('mqtt bridge: Home Assistant discovery across runs and capability changes', function () {
  this.timeout(20_000);
  let broker: Broker;
  let storage: MemoryStorage;
  let observer: TestClient;
  let f: BridgeFixture | undefined;
  let timers: ManualTimers;

  beforeEach(async () => {
    broker = await startAedes();
    storage = new MemoryStorage();
    observer = await TestClient.connect(broker.url);
    await observer.subscribe('homeassistant/#');
  });
  afterEach(async () => {
    await f?.stop();
    f = undefined;
    await observer.end();
    await broker.stop();
  });

  async function run(config: MqttConfig, seedless = false): Promise<BridgeFixture> {
    timers = new ManualTimers();
    f = await startBridgeFixture(
      { url: broker.url, ...config },
      { storage, timers },
      seedless ? { seed: false } : {},
    );
    return f;
  }
  /** A bridge over a hub the test prepared first (a lock changed while no bridge ran). */
  async function runOver(
    prepare: (hub: HubFixture) => Promise<void>,
    config: MqttConfig = {},
  ): Promise<void> {
    const hub = await startHubFixture();
    await prepare(hub);
    await hub.hub.refresh();
    timers = new ManualTimers();
    let bridge: MqttBridge;
    try {
      bridge = await startMqttBridge({
        source: hub.hub,
        config: { url: broker.url, ...config },
        logger: new RedactingLogger(new MemorySink()),
        version: '1.2.3',
        storage,
        timers,
      });
    } catch (err) {
      await hub.stop();
      throw err;
    }
    f = {
      hub,
      bridge,
      logs: new MemorySink(),
      async stop() {
        await bridge.stop();
        await hub.stop();
      },
    };
  }
  async function stop(): Promise<void> {
    await f?.stop();
    f = undefined;
  }
  const indexOf = (topic: string, predicate: (m: Received) => boolean) =>
    observer.received.findIndex((m) => m.topic === topic && predicate(m));
  const isMigration = (m: Received) => {
    const j = tryJson(m.payload);
    return isRecord(j) && j.migrate_discovery === true;
  };
  const isEmpty = (m: Received) => m.payload.length === 0;

  it('switches from per-entity to device discovery by handing the entities over, leaving no duplicate unique id', async () => {
    await run({ homeAssistant: { discovery: 'entity' } });
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'));
    await observer.waitFor(entityTopic('sensor', BACK, 'battery'));
    await stop();
    const record = await loadRecord(storage);
    assert.equal(record?.form, 'entity');
    assert.deepEqual(Object.keys(record!.objects).sort(), ['bridge', BACK, FRONT, 'testvendor_garage']);
    observer.received.length = 0;

    await run({ homeAssistant: { discovery: 'device' } });
    // 1. Each old config is asked to hand over (not retained: it must not be replayed later).
    const migrate = await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => isMigration(m));
    assert.equal(migrate.retain, false);
    await observer.waitFor(entityTopic('binary_sensor', 'bridge', 'connectivity'), (_j, m) => isMigration(m));
    // 2. Only after the hand-over has settled do the device configs go out.
    await eventually(() => timers.pending.size > 0);
    assert.equal(
      indexOf(device(FRONT), () => true),
      -1,
      'no device config before the hand-over settled',
    );
    timers.fireAll();
    await observer.waitFor(device(FRONT));
    // 3. Then the old topics are cleared, retained.
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => isEmpty(m));
    await observer.waitFor(entityTopic('event', BACK, 'event'), (_j, m) => isEmpty(m));
    assert.ok(
      indexOf(entityTopic('lock', FRONT, 'lock'), isMigration) < indexOf(device(FRONT), () => true) &&
        indexOf(device(FRONT), () => true) < indexOf(entityTopic('lock', FRONT, 'lock'), isEmpty),
      'migrate, then the device config, then the clearing',
    );
    await f!.stop();
    f = undefined;
    assert.equal((await loadRecord(storage))?.form, 'device');

    // What Home Assistant gets at its next start: device configs only, each unique id once.
    const retained = await retainedConfigs(broker);
    assert.ok(
      retained.every((m) => m.topic.startsWith('homeassistant/device/')),
      'no per-entity config left',
    );
    const ids = retained
      .flatMap((m) => entitiesOf(m.topic, tryJson(m.payload) as Config))
      .map((e) => e.config.unique_id);
    assert.ok(ids.includes(`lockbridge_${FRONT}_lock`));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('rolls back from device to per-entity discovery the same way', async () => {
    await run({});
    await observer.waitFor(device(FRONT));
    await stop();
    observer.received.length = 0;

    await run({ homeAssistant: { discovery: 'entity' } });
    await observer.waitFor(device(FRONT), (_j, m) => isMigration(m));
    await observer.waitFor(device('bridge'), (_j, m) => isMigration(m));
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => !isEmpty(m));
    await observer.waitFor(device(FRONT), (_j, m) => isEmpty(m) && m.retain === false);
    await stop();
    const retained = await retainedConfigs(broker);
    assert.ok(
      retained.every((m) => !m.topic.startsWith('homeassistant/device/')),
      'no device config left',
    );
    const ids = retained
      .flatMap((m) => entitiesOf(m.topic, tryJson(m.payload) as Config))
      .map((e) => e.config.unique_id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('starts the same form again without migrating or clearing anything', async () => {
    await run({});
    await observer.waitFor(device(FRONT));
    await stop();
    observer.received.length = 0;
    await run({});
    await observer.waitFor(device(FRONT), (_j, m) => !isEmpty(m));
    assert.equal(timers.pending.size, 0, 'no hand-over pause');
    assert.ok(!observer.received.some((m) => isMigration(m) || isEmpty(m)), 'nothing migrated or cleared');
  });

  it('clears the old configs when the discovery prefix changes', async () => {
    await run({});
    await observer.waitFor(device(FRONT));
    await stop();
    await observer.subscribe('ha2/#');
    observer.received.length = 0;
    await run({ homeAssistant: { prefix: 'ha2' } });
    await observer.waitFor(device(FRONT, 'ha2'));
    await observer.waitFor(device(FRONT), (_j, m) => isEmpty(m));
    await observer.waitFor(device('bridge'), (_j, m) => isEmpty(m));
    await stop();
    assert.equal((await loadRecord(storage))?.prefix, 'ha2');
  });

  it('removes a lock that left the account while the bridge was down', async () => {
    await run({});
    await observer.waitFor(device(BACK));
    await stop();
    observer.received.length = 0;
    await runOver(async (hub) => hub.emulator.removeLock('back'));
    const removed = await observer.waitFor(device(BACK), (_j, m) => isEmpty(m));
    assert.equal(removed.topic, device(BACK));
    await observer.waitFor(device(FRONT), (_j, m) => !isEmpty(m));
    assert.ok(!observer.received.some((m) => m.topic === device(FRONT) && isEmpty(m)), 'front stays');
    await stop();
    const record = await loadRecord(storage);
    assert.deepEqual(Object.keys(record!.objects).sort(), ['bridge', FRONT, 'testvendor_garage']);
  });

  it('removes the battery entities of a lock that stops reporting a battery, by platform alone in its device config', async () => {
    const fx = await run({});
    const first = tryJson((await observer.waitFor(device(FRONT))).payload) as Config;
    assert.ok(Object.keys(first.components as Config).includes('battery'));
    observer.received.length = 0;
    fx.hub.emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true, battery: null });
    await fx.hub.hub.refresh();
    const next = await observer.waitFor(device(FRONT));
    const payload = tryJson(next.payload) as Config;
    assert.deepEqual(removalsOf(payload), { battery: 'sensor', battery_low: 'binary_sensor' });
    const ids = entitiesOf(next.topic, payload).map((e) => e.config.unique_id);
    assert.ok(!ids.includes(`lockbridge_${FRONT}_battery`));
    assert.ok(ids.includes(`lockbridge_${FRONT}_lock`));
  });

  it('sends a lock again when its capabilities change without a status change (no open function any more)', async () => {
    const fx = await run({});
    const lockEntity = (m: Received) =>
      entitiesOf(m.topic, tryJson(m.payload) as Config).find(
        (e) => e.config.unique_id === `lockbridge_${FRONT}_lock`,
      );
    const first = lockEntity(await observer.waitFor(device(FRONT)));
    assert.equal(first?.config.payload_open, 'OPEN');
    observer.received.length = 0;
    fx.hub.emulator.addLock({ id: 'front', name: 'Front Door', canOpen: false });
    await fx.hub.hub.refresh();
    const next = lockEntity(await observer.waitFor(device(FRONT)));
    assert.ok(next, 'the lock entity is still there');
    assert.equal(next.config.payload_open, undefined, 'Home Assistant no longer offers Open');
  });

  it('renames the device when the lock is renamed in the vendor app', async () => {
    const fx = await run({});
    await observer.waitFor(device(FRONT));
    observer.received.length = 0;
    fx.hub.emulator.addLock({ id: 'front', name: 'Porch', canOpen: true });
    await fx.hub.hub.refresh();
    const next = tryJson((await observer.waitFor(device(FRONT))).payload) as Config;
    const dev = (next.device ?? next.dev) as Config;
    assert.equal(dev.name, 'Porch');
  });

  it('removes them in the per-entity form with an empty retained config, and across a restart too', async () => {
    const fx = await run({ homeAssistant: { discovery: 'entity' } });
    await observer.waitFor(entityTopic('sensor', FRONT, 'battery'));
    fx.hub.emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true, battery: null });
    await fx.hub.hub.refresh();
    const cleared = await observer.waitFor(entityTopic('sensor', FRONT, 'battery'), (_j, m) => isEmpty(m));
    assert.equal(cleared.topic, entityTopic('sensor', FRONT, 'battery'));
    await observer.waitFor(entityTopic('binary_sensor', FRONT, 'battery_low'), (_j, m) => isEmpty(m));
    await stop();
    assert.deepEqual(Object.keys((await loadRecord(storage))!.objects[FRONT]).includes('battery'), false);

    // "back" loses its battery while the bridge is down: the next start removes its battery entities.
    observer.received.length = 0;
    await runOver(
      async (hub) => void hub.emulator.addLock({ id: 'back', name: 'Back Door', battery: null }),
      {
        homeAssistant: { discovery: 'entity' },
      },
    );
    await observer.waitFor(entityTopic('sensor', BACK, 'battery'), (_j, m) => isEmpty(m));
    await observer.waitFor(entityTopic('binary_sensor', BACK, 'battery_low'), (_j, m) => isEmpty(m));
    await observer.waitFor(entityTopic('lock', BACK, 'lock'), (_j, m) => !isEmpty(m));
    assert.ok(
      !observer.received.some((m) => m.topic === entityTopic('sensor', FRONT, 'battery') && isEmpty(m)),
      "front's battery stays",
    );
  });

  it("repeats this run's hand-over and removals when Home Assistant comes back (it may have missed them)", async () => {
    await run({ homeAssistant: { discovery: 'entity' } });
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'));
    await stop();
    const fx = await run({});
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => isEmpty(m));
    fx.hub.emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true, battery: null });
    await fx.hub.hub.refresh();
    await observer.waitFor(device(FRONT), (j) => isRecord(j) && Object.keys(removalsOf(j)).length > 0);
    observer.received.length = 0;
    // Home Assistant (re)connects: its birth message.
    await observer.publish('homeassistant/status', 'online');
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => isMigration(m));
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
    const again = await observer.waitFor(device(FRONT));
    assert.deepEqual(removalsOf(tryJson(again.payload) as Config), {
      battery: 'sensor',
      battery_low: 'binary_sensor',
    });
    await observer.waitFor(entityTopic('lock', FRONT, 'lock'), (_j, m) => isEmpty(m));
  });

  it('keeps the record in the storage directory as plain JSON naming topics only', async () => {
    await run({});
    await observer.waitFor(device(FRONT));
    await stop();
    const text = await storage.read(RECORD_NAME);
    assert.ok(text);
    const json = JSON.parse(text) as Config;
    assert.deepEqual(Object.keys(json).sort(), ['form', 'nodeId', 'objects', 'prefix', 'version']);
    // A record that is not ours is ignored, not trusted.
    await storage.write(RECORD_NAME, JSON.stringify({ ...json, objects: { '../x': { a: 'lock' } } }));
    assert.equal(await loadRecord(storage), undefined);
  });
});
