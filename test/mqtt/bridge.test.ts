import assert from 'node:assert/strict';
import net from 'node:net';
import { Aedes } from 'aedes';
import { startMqttBridge } from '../../src/mqtt';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TestClient, eventually, isRecord, startBridgeFixture, tryJson, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';
const BACK = 'testvendor_back';

describe('mqtt bridge: retained state and commands (embedded aedes)', function () {
  this.timeout(15_000);
  let f: BridgeFixture;
  let c: TestClient;

  beforeEach(async () => {
    f = await startBridgeFixture();
    c = await TestClient.connect(f.bridge.brokerUrl);
  });
  afterEach(async () => {
    await c.end();
    await f.stop();
  });

  it('publishes the bridge state, the lock list and every lock state and availability, retained', async () => {
    await c.subscribe('lockbridge/#');
    const state = await c.waitFor('lockbridge/bridge/state');
    assert.equal(state.retain, true);
    assert.deepEqual(tryJson(state.payload), { state: 'online' });

    const list = await c.waitFor('lockbridge/bridge/locks');
    assert.equal(list.retain, true);
    const locks = tryJson(list.payload) as Array<Record<string, unknown>>;
    assert.deepEqual(
      locks.map((l) => l.id),
      ['testvendor_back', 'testvendor_front', 'testvendor_garage'],
    );
    const front = locks.find((l) => l.id === FRONT)!;
    assert.equal(front.vendor, 'testvendor');
    assert.equal(front.name, 'Front Door');
    assert.ok(Array.isArray(front.capabilities) && front.capabilities.includes('open'));

    const frontState = await c.waitFor(`lockbridge/${FRONT}/state`);
    assert.equal(frontState.retain, true);
    const s = tryJson(frontState.payload) as Record<string, unknown>;
    assert.equal(s.state, 'LOCKED');
    assert.equal(s.door, 'closed');
    assert.equal(s.battery, 90);
    assert.equal(s.battery_low, false);
    assert.equal(s.online, true);
    assert.ok('last_action' in s);
    assert.equal(typeof s.updated_at, 'string');
    assert.deepEqual(Object.keys(s).sort(), [
      'battery',
      'battery_low',
      'door',
      'last_action',
      'online',
      'state',
      'updated_at',
    ]);

    const availability = await c.waitFor(`lockbridge/${FRONT}/availability`);
    assert.equal(availability.payload.toString(), 'online');
    assert.equal(availability.retain, true);
    const accounts = await c.waitFor('lockbridge/bridge/accounts');
    assert.equal((tryJson(accounts.payload) as Array<Record<string, unknown>>)[0].account, 'tv');
  });

  it('runs a plain UNLOCK from the set topic, answers it, and publishes the new state', async () => {
    await c.subscribe(['lockbridge/bridge/response/#', `lockbridge/${FRONT}/state`]);
    await c.waitFor(`lockbridge/${FRONT}/state`, (j) => isRecord(j) && j.state === 'LOCKED');
    await c.publish(`lockbridge/${FRONT}/set`, 'UNLOCK');
    const response = await c.waitFor('lockbridge/bridge/response/command');
    const body = tryJson(response.payload) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal((body.data as Record<string, unknown>).command, 'UNLOCK');
    await c.waitFor(`lockbridge/${FRONT}/state`, (j) => isRecord(j) && j.state === 'UNLOCKED');
    assert.deepEqual(
      f.hub.emulator.commands.map((x) => x.command),
      ['unlock'],
    );
  });

  it('takes JSON commands with a transaction, and refuses expired and stale ones without sending them', async () => {
    await c.subscribe('lockbridge/bridge/response/#');
    await c.publish(`lockbridge/${BACK}/set`, JSON.stringify({ command: 'LOCK', transaction: 'tx-1' }));
    const ok = await c.waitFor(
      'lockbridge/bridge/response/command',
      (j) => isRecord(j) && j.transaction === 'tx-1',
    );
    assert.equal((tryJson(ok.payload) as Record<string, unknown>).status, 'ok');

    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'tx-2', expires_at: Date.now() - 1000 }),
    );
    const expired = tryJson(
      (await c.waitFor('lockbridge/bridge/response/command', (j) => isRecord(j) && j.transaction === 'tx-2'))
        .payload,
    ) as Record<string, Record<string, unknown>>;
    assert.equal(expired.status, 'error');
    assert.equal(expired.error.code, 'expired');

    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({
        command: 'UNLOCK',
        transaction: 'tx-3',
        sent_at: new Date(Date.now() - 10 * 60_000).toISOString(),
      }),
    );
    const stale = tryJson(
      (await c.waitFor('lockbridge/bridge/response/command', (j) => isRecord(j) && j.transaction === 'tx-3'))
        .payload,
    ) as Record<string, Record<string, unknown>>;
    assert.equal(stale.error.code, 'expired');
    assert.deepEqual(
      f.hub.emulator.commands.map((x) => `${x.lockId}:${x.command}`),
      ['back:lock'],
    );
  });

  it('answers a malformed set payload with invalid_input and keeps going', async () => {
    await c.subscribe('lockbridge/bridge/response/#');
    await c.publish(`lockbridge/${FRONT}/set`, 'EXPLODE');
    const bad = tryJson((await c.waitFor('lockbridge/bridge/response/command')).payload) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(bad.error.code, 'invalid_input');
    await c.publish(
      `lockbridge/${FRONT}/set`,
      '{"command": "UNLOCK", "transaction": 7, "expires_at": "never"}',
    );
    const bad2 = tryJson(
      (await c.waitFor('lockbridge/bridge/response/command', (j) => isRecord(j) && j.transaction === 7))
        .payload,
    ) as Record<string, Record<string, unknown>>;
    assert.equal(bad2.error.code, 'invalid_input');
    await c.publish(`lockbridge/testvendor_nope/set`, 'LOCK');
    const missing = tryJson(
      (
        await c.waitFor(
          'lockbridge/bridge/response/command',
          (j) => isRecord(j) && isRecord(j.error) && j.error.code === 'not_found',
        )
      ).payload,
    ) as Record<string, unknown>;
    assert.equal(missing.status, 'error');
    assert.equal(f.hub.emulator.commands.length, 0);
  });

  it('refuses a retained command at the embedded broker and never runs it', async () => {
    const logs = f.logs;
    c.client.on('error', () => undefined);
    // QoS 0: the broker closes the connection instead of acknowledging.
    c.client.publish(`lockbridge/${FRONT}/set`, 'UNLOCK', { qos: 0, retain: true });
    await eventually(() => logs.text().includes('Refused a command'));
    assert.match(logs.text(), /must not be retained/);
    assert.doesNotMatch(logs.text(), /UNLOCK/);
    // Nobody subscribing later gets it either.
    const late = await TestClient.connect(f.bridge.brokerUrl);
    await late.subscribe(`lockbridge/${FRONT}/set`);
    await late.request('locks');
    assert.equal(late.received.filter((m) => m.topic.endsWith('/set')).length, 0);
    await late.end();
    assert.equal(f.hub.emulator.commands.length, 0);
  });

  it('publishes state changes, activity and availability as they happen', async () => {
    await c.subscribe([
      `lockbridge/${BACK}/state`,
      `lockbridge/${BACK}/activity`,
      `lockbridge/${BACK}/availability`,
    ]);
    f.hub.emulator.physical('back', 'locked', 'Bob');
    await c.waitFor(`lockbridge/${BACK}/state`, (j) => isRecord(j) && j.state === 'LOCKED');
    const activity = await c.waitFor(`lockbridge/${BACK}/activity`);
    assert.equal(activity.retain, false);
    const a = tryJson(activity.payload) as Record<string, unknown>;
    assert.equal(a.who, 'Bob');
    assert.equal(a.how, 'manual');
    f.hub.emulator.setOnline('back', false);
    await c.waitFor(`lockbridge/${BACK}/availability`, (_j, m) => m.payload.toString() === 'offline');
  });

  it('adds and removes locks in the list and clears the retained state of a removed lock', async () => {
    await c.subscribe(['lockbridge/bridge/locks', 'lockbridge/+/state']);
    f.hub.emulator.addLock({ id: 'shed', name: 'Shed' });
    await f.hub.hub.refresh();
    await c.waitFor(
      'lockbridge/bridge/locks',
      (j) => Array.isArray(j) && j.some((l) => isRecord(l) && l.id === 'testvendor_shed'),
    );
    await c.waitFor('lockbridge/testvendor_shed/state');
    f.hub.emulator.removeLock('shed');
    await f.hub.hub.refresh();
    await c.waitFor('lockbridge/bridge/locks', (j) => Array.isArray(j) && j.length === 3);
    await c.waitFor('lockbridge/testvendor_shed/state', (_j, m) => m.payload.length === 0);
  });
});

describe('mqtt bridge: broker outages and stop', function () {
  this.timeout(15_000);
  let hub: HubFixture;
  before(async () => {
    hub = await startHubFixture();
  });
  after(async () => {
    await hub.stop();
  });

  async function broker(port = 0): Promise<{ port: number; aedes: Aedes; stop(): Promise<void> }> {
    const b = await Aedes.createBroker();
    const server = net.createServer(b.handle);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      aedes: b,
      stop: () =>
        new Promise<void>((resolve) => {
          b.close(() => server.close(() => resolve()));
        }),
    };
  }

  it('reconnects to an external broker that restarted empty and republishes its retained state', async () => {
    const first = await broker();
    const logs = new MemorySink();
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { url: `mqtt://127.0.0.1:${first.port}`, homeAssistant: { enabled: false } },
      logger: new RedactingLogger(logs),
      reconnectPeriodMs: 100,
    });
    try {
      assert.equal(bridge.brokerUrl, `mqtt://127.0.0.1:${first.port}`);
      await first.stop();
      const second = await broker(first.port);
      try {
        await eventually(() => logs.text().includes('Reconnected'), 10_000);
        const c = await TestClient.connect(bridge.brokerUrl);
        await c.subscribe('lockbridge/#');
        await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'online');
        await c.waitFor('lockbridge/bridge/locks', (j) => Array.isArray(j) && j.length === 3);
        await c.waitFor(`lockbridge/${FRONT}/state`);
        // And it still takes commands.
        const answer = await c.request('locks');
        assert.equal(answer.status, 'ok');
        await c.end();
      } finally {
        await bridge.stop();
        await second.stop();
      }
    } finally {
      await bridge.stop();
    }
  });

  it('says offline on stop, through its last will when it dies, and leaves no socket behind', async () => {
    const b = await broker();
    const bridgeClients: Array<{ id: string; conn: { destroy(): void } }> = [];
    b.aedes.on('client', (client) => bridgeClients.push(client as unknown as (typeof bridgeClients)[number]));
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { url: `mqtt://127.0.0.1:${b.port}`, clientId: 'lockbridge_test' },
      logger: new RedactingLogger(new MemorySink()),
      reconnectPeriodMs: 100,
    });
    const c = await TestClient.connect(bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/state');
    await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'online');
    // The bridge's connection dies without a DISCONNECT: the broker sends its last will ...
    bridgeClients.find((x) => x.id === 'lockbridge_test')!.conn.destroy();
    await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'offline');
    // ... and the bridge comes back online by itself.
    c.received.length = 0;
    await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'online', 10_000);
    c.received.length = 0;
    await bridge.stop();
    await c.waitFor('lockbridge/bridge/state', (j) => isRecord(j) && j.state === 'offline');
    await c.end();
    await b.stop();

    // The embedded broker's port is closed after stop.
    const embedded = await startMqttBridge({
      source: hub.hub,
      config: { embedded: { port: 0 } },
      logger: new RedactingLogger(new MemorySink()),
    });
    const port = Number(new URL(embedded.brokerUrl).port);
    await embedded.stop();
    await assert.rejects(
      () =>
        new Promise((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            resolve(undefined);
          });
          s.on('error', reject);
        }),
    );
  });
});
