import assert from 'node:assert/strict';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { LOCK_STATES, hasCapability, type Lock } from '../../src/core/model';
import { MemoryStorage } from '../../src/core/storage';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt/bridge';
import { createRuntime, type Runtime } from '../../src/runtime';
import { entitiesOf, render, type Entity } from './home-assistant-schema';
import { TestClient, eventually, isRecord, tryJson } from './support';

/**
 * Every kind of lock in the demo (the sandbox: August, Seam, Unloc, SmartphoneKey), through the real
 * bridge and broker, in both discovery forms: each message checked against Home Assistant's schema,
 * each entity as the lock's capabilities say, each template rendered against the real state payloads.
 */
for (const form of ['device', 'entity'] as const) {
  describe(`mqtt bridge: Home Assistant discovery of the demo's locks (${form} form)`, function () {
    this.timeout(60_000);
    let runtime: Runtime;
    let bridge: MqttBridge;
    let c: TestClient;
    let locks: Lock[];
    let entities: Entity[];

    before(async () => {
      const logger = new RedactingLogger(new MemorySink());
      runtime = await createRuntime(
        { accounts: [{ vendor: 'sandbox', id: 'demo' }] },
        { storage: new MemoryStorage(), logger },
      );
      bridge = await startMqttBridge({
        source: runtime.hub,
        config: { embedded: { host: '127.0.0.1', port: 0 }, homeAssistant: { discovery: form } },
        logger,
        version: '1.2.3',
      });
      locks = await runtime.hub.listLocks();
      c = await TestClient.connect(bridge.brokerUrl);
      await c.subscribe([
        'homeassistant/#',
        'lockbridge/+/state',
        'lockbridge/bridge/state',
        'lockbridge/bridge/accounts',
      ]);
      const lockTopic = (l: Lock) =>
        form === 'device'
          ? `homeassistant/device/lockbridge/${l.id}/config`
          : `homeassistant/event/lockbridge/lockbridge_${l.id}_event/config`;
      await eventually(
        () =>
          locks.every(
            (l) => c.json(lockTopic(l)) !== undefined && c.json(`lockbridge/${l.id}/state`) !== undefined,
          ),
        30_000,
      );
      await c.waitFor(
        form === 'device'
          ? 'homeassistant/device/lockbridge/bridge/config'
          : 'homeassistant/binary_sensor/lockbridge/lockbridge_bridge_connectivity/config',
      );
      // The last message on each discovery topic is what Home Assistant holds.
      const last = new Map<string, Buffer>();
      for (const m of c.received) if (m.topic.startsWith('homeassistant/')) last.set(m.topic, m.payload);
      entities = [...last].flatMap(([t, p]) => {
        if (form === 'device') assert.ok(t.startsWith('homeassistant/device/'), `only device messages: ${t}`);
        return entitiesOf(t, tryJson(p) as Record<string, unknown>);
      });
    });
    after(async () => {
      await c?.end();
      await bridge?.stop();
      await runtime?.stop();
    });

    const ofLock = (lock: Lock) =>
      entities.filter((e) => (e.device.identifiers as string[])[0] === `lockbridge_${lock.id}`);
    const byId = (lock: Lock, id: string) =>
      ofLock(lock).find((e) => e.config.unique_id === `lockbridge_${lock.id}_${id}`);

    it('has the four kinds of lock the issue names', () => {
      const vendors = new Set(locks.map((l) => l.vendor));
      for (const v of ['august', 'seam', 'unloc', 'smartphonekey'])
        assert.ok(vendors.has(v as Lock['vendor']), v);
    });

    it('is retained (only the bridge may write under the prefix) and unique ids never repeat', async () => {
      // A Home Assistant that starts later gets every message from the broker, retained.
      const late = await TestClient.connect(bridge.brokerUrl);
      await late.subscribe('homeassistant/#');
      const sent = new Set(
        c.received.filter((m) => m.topic.startsWith('homeassistant/')).map((m) => m.topic),
      );
      // The broker streams retained messages after the subscription's acknowledgement.
      await eventually(() => late.received.length >= sent.size, 10_000).catch(() => undefined);
      await late.end();
      const kept = late.received;
      assert.ok(kept.length > 0 && kept.every((m) => m.retain && m.payload.length > 0));
      assert.deepEqual(new Set(kept.map((m) => m.topic)), sent);
      const ids = entities.map((e) => e.config.unique_id);
      assert.equal(new Set(ids).size, ids.length);
    });

    it('gives each lock the entities its capabilities allow, and nothing it cannot back', () => {
      for (const lock of locks) {
        const what = `${lock.id} (${lock.capabilities.join(',')})`;
        const canLockUnlock = hasCapability(lock, 'lock') && hasCapability(lock, 'unlock');
        const lockEntity = byId(lock, 'lock');
        const button = byId(lock, 'open');
        if (canLockUnlock) {
          assert.equal(lockEntity?.platform, 'lock', what);
          assert.equal(
            lockEntity?.config.payload_open,
            hasCapability(lock, 'open') ? 'OPEN' : undefined,
            what,
          );
          assert.equal(button, undefined, what);
        } else if (hasCapability(lock, 'open')) {
          assert.equal(button?.platform, 'button', what);
          assert.equal(button?.config.name, 'Open');
          assert.equal(button?.config.payload_press, 'OPEN');
          assert.equal(button?.config.command_topic, `lockbridge/${lock.id}/set`);
          assert.equal(
            lockEntity !== undefined,
            hasCapability(lock, 'lock_state'),
            `${what}: a lock entity only with a bolt state`,
          );
        } else {
          assert.equal(lockEntity, undefined, `${what}: no remote action, no lock entity`);
          assert.equal(button, undefined, what);
        }
        const event = byId(lock, 'event');
        assert.equal(event?.platform, 'event', what);
        assert.deepEqual(event?.config.event_types, [
          'locked',
          'unlocked',
          'opened',
          'jammed',
          'command_failed',
        ]);
        assert.equal(event?.config.state_topic, `lockbridge/${lock.id}/event`);
        assert.equal(byId(lock, 'last_operated_by')?.platform, 'sensor', what);
        assert.equal(byId(lock, 'battery') !== undefined, hasCapability(lock, 'battery'), `${what}: battery`);
        assert.equal(
          byId(lock, 'battery_low') !== undefined,
          hasCapability(lock, 'battery'),
          `${what}: battery low only with battery data`,
        );
        assert.equal(byId(lock, 'door') !== undefined, hasCapability(lock, 'door_sensor'), `${what}: door`);
        assert.equal(
          byId(lock, 'keys') !== undefined,
          hasCapability(lock, 'keys') && lock.status.keys !== undefined,
          `${what}: a keys count only where the vendor gives one`,
        );
      }
      // Unloc (key listing per holder) and SmartphoneKey (owned locks) count their keys.
      for (const vendor of ['unloc', 'smartphonekey'])
        assert.ok(
          locks.some((l) => l.vendor === vendor && byId(l, 'keys') !== undefined),
          `${vendor}: a keys sensor`,
        );
      // The demo has each kind.
      assert.ok(locks.some((l) => byId(l, 'lock')));
      assert.ok(locks.some((l) => byId(l, 'open') && !byId(l, 'lock')));
      assert.ok(locks.some((l) => !byId(l, 'open') && !byId(l, 'lock')));
    });

    it('names every lock device apart and links it to the bridge device', () => {
      const bridgeDevice = entities.find(
        (e) => e.config.unique_id === 'lockbridge_bridge_connectivity',
      )?.device;
      assert.ok(bridgeDevice);
      assert.deepEqual(bridgeDevice.identifiers, ['lockbridge_bridge']);
      assert.equal(bridgeDevice.sw_version, '1.2.3');
      const names = new Map<string, string>();
      for (const lock of locks) {
        const device = ofLock(lock)[0].device;
        assert.equal(device.via_device, 'lockbridge_bridge');
        names.set(lock.id, String(device.name));
      }
      assert.equal(new Set(names.values()).size, locks.length, `names: ${[...names.values()].join(' | ')}`);
      // Four locks are called "Front Door": they carry their vendor.
      const fronts = locks.filter((l) => l.name === 'Front Door');
      assert.ok(fronts.length >= 2);
      for (const l of fronts) assert.match(names.get(l.id)!, new RegExp(`^Front Door \\(${l.vendor}`));
      const unique = locks.find(
        (l) => locks.filter((o) => o.name.toLowerCase() === l.name.toLowerCase()).length === 1,
      );
      if (unique) assert.equal(names.get(unique.id), unique.name);
    });

    it('renders every template against the real state payloads to a value the entity accepts', () => {
      for (const lock of locks) {
        const real = c.json(`lockbridge/${lock.id}/state`) as Record<string, unknown>;
        // The real payload, and the same with each state, battery and door Lockbridge can send.
        const payloads = [
          real,
          ...LOCK_STATES.map((state) => ({ ...real, state })),
          { ...real, battery: null, battery_low: false, door: 'unknown', last_action: null },
          {
            ...real,
            battery: 0,
            battery_low: true,
            door: 'open',
            last_action: { action: 'UNLOCKED', who: 'Zoë "Z"', how: 'keypad', at: '2026-11-26T00:00:00Z' },
            keys: 0,
          },
          Object.fromEntries(Object.entries(real).filter(([k]) => k !== 'keys')),
        ].map((p) => JSON.stringify(p));
        for (const e of ofLock(lock)) {
          const tpl = e.config.value_template as string | undefined;
          if (e.config.state_topic !== `lockbridge/${lock.id}/state`) continue;
          for (const payload of payloads) {
            const value = tpl ? render(tpl, payload) : payload;
            const what = `${String(e.config.unique_id)} on ${payload}: ${value}`;
            if (e.platform === 'lock') {
              const states = Object.entries(e.config)
                .filter(([k]) => k.startsWith('state_') && k !== 'state_topic')
                .map(([, v]) => v);
              assert.ok([...states, 'None'].includes(value), what);
              assert.equal(value === 'None', JSON.parse(payload).state === 'UNKNOWN', what);
            } else if (e.platform === 'binary_sensor') {
              assert.ok([e.config.payload_on, e.config.payload_off, 'None'].includes(value), what);
            } else if (e.config.device_class === 'battery') {
              assert.ok(
                value === 'None' ||
                  (Number.isFinite(Number(value)) && Number(value) >= 0 && Number(value) <= 100),
                what,
              );
            } else if (String(e.config.unique_id).endsWith('_keys')) {
              const keys = (JSON.parse(payload) as { keys?: number }).keys;
              assert.equal(value, keys === undefined ? 'None' : String(keys), what);
            } else {
              const who = (JSON.parse(payload) as { last_action: { who?: string } | null }).last_action?.who;
              assert.equal(value, who ?? 'None', what);
            }
            const attrs = e.config.json_attributes_template as string | undefined;
            if (attrs)
              assert.ok(
                isRecord(JSON.parse(render(attrs, payload))),
                `${what}: attributes are a JSON object`,
              );
          }
        }
      }
    });

    it("renders the bridge's connectivity and each account's problem and state from the real payloads", () => {
      const state = c.received
        .filter((m) => m.topic === 'lockbridge/bridge/state')
        .at(-1)!
        .payload.toString();
      const accounts = c.received
        .filter((m) => m.topic === 'lockbridge/bridge/accounts')
        .at(-1)!
        .payload.toString();
      const list = JSON.parse(accounts) as Array<{ account: string; state: string }>;
      const bridgeEntities = entities.filter(
        (e) => (e.device.identifiers as string[])[0] === 'lockbridge_bridge',
      );
      const connectivity = bridgeEntities.find((e) => e.config.device_class === 'connectivity')!;
      assert.equal(render(String(connectivity.config.value_template), state), connectivity.config.payload_on);
      assert.equal(
        render(String(connectivity.config.value_template), '{"state":"offline"}'),
        connectivity.config.payload_off,
      );
      assert.equal(connectivity.config.availability, undefined, 'connectivity shows offline itself');
      assert.ok(list.length >= 4);
      for (const account of list) {
        const problem = bridgeEntities.find(
          (e) => e.config.device_class === 'problem' && String(e.config.name).includes(account.account),
        )!;
        const status = bridgeEntities.find(
          (e) => e.config.device_class === 'enum' && String(e.config.name).includes(account.account),
        )!;
        assert.ok(problem && status, account.account);
        assert.equal(render(String(status.config.value_template), accounts), account.state);
        assert.ok((status.config.options as string[]).includes(account.state));
        assert.equal(
          render(String(problem.config.value_template), accounts),
          account.state === 'connected' ? 'OFF' : 'ON',
        );
        for (const other of ['two_factor_required', 'error', 'connecting']) {
          const changed = JSON.stringify(
            list.map((a) => (a.account === account.account ? { ...a, state: other } : a)),
          );
          assert.equal(render(String(status.config.value_template), changed), other);
          assert.equal(render(String(problem.config.value_template), changed), 'ON');
        }
      }
    });

    it("raises command_failed on the lock's event entity when a command fails", async () => {
      const unloc = locks.find((l) => l.vendor === 'unloc' && !hasCapability(l, 'unlock'))!;
      const eventTopic = `lockbridge/${unloc.id}/event`;
      await c.subscribe(eventTopic);
      await c.publish(`lockbridge/${unloc.id}/set`, 'UNLOCK');
      const m = await c.waitFor(eventTopic);
      assert.equal(m.retain, false);
      const body = tryJson(m.payload) as Record<string, unknown>;
      assert.equal(body.event_type, 'command_failed');
      assert.equal(body.command, 'UNLOCK');
      assert.equal(body.code, 'not_supported');
      assert.equal(typeof body.message, 'string');
      assert.ok((byId(unloc, 'event')!.config.event_types as string[]).includes(String(body.event_type)));
    });
  });
}
