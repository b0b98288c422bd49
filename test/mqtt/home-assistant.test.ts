import assert from 'node:assert/strict';
import {
  ManualTimers,
  TestClient,
  eventually,
  isRecord,
  startBridgeFixture,
  tryJson,
  type BridgeFixture,
} from './support';

const FRONT = 'testvendor_front';
const GARAGE = 'testvendor_garage';
type Config = Record<string, unknown>;

/** Home Assistant's MQTT lock schema (ecosystem.md D1): every key we may send, and its type. */
const LOCK_SCHEMA: Record<string, string> = {
  unique_id: 'string',
  name: 'null',
  command_topic: 'string',
  state_topic: 'string',
  value_template: 'string',
  command_template: 'string',
  code_format: 'string',
  payload_lock: 'string',
  payload_unlock: 'string',
  payload_open: 'string',
  state_locked: 'string',
  state_unlocked: 'string',
  state_locking: 'string',
  state_unlocking: 'string',
  state_jammed: 'string',
  state_open: 'string',
  state_opening: 'string',
  optimistic: 'boolean',
  qos: 'number',
  retain: 'boolean',
  availability: 'array',
  availability_mode: 'string',
  json_attributes_topic: 'string',
  json_attributes_template: 'string',
  device: 'object',
  origin: 'object',
};

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

describe('mqtt bridge: Home Assistant discovery', function () {
  this.timeout(15_000);
  let f: BridgeFixture;
  let c: TestClient;
  let timers: ManualTimers;

  /** Home Assistant's birth message; the resend it schedules (debounced) is fired at once. */
  const birth = async () => {
    await c.publish('homeassistant/status', 'online');
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
  };

  beforeEach(async () => {
    timers = new ManualTimers();
    f = await startBridgeFixture({ unlockCodes: { [GARAGE]: '2468' } }, { timers });
    c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('homeassistant/#');
    // Discovery is not retained: Home Assistant's birth message brings it.
    await birth();
  });
  afterEach(async () => {
    await c.end();
    await f.stop();
  });

  const topic = (component: string, lock: string, object: string) =>
    `homeassistant/${component}/lockbridge/lockbridge_${lock}_${object}/config`;

  it('announces a lock entity that follows the Home Assistant MQTT lock schema, field by field', async () => {
    const m = await c.waitFor(topic('lock', FRONT, 'lock'));
    assert.equal(m.retain, false);
    const cfg = tryJson(m.payload) as Config;
    for (const [key, value] of Object.entries(cfg)) {
      assert.ok(key in LOCK_SCHEMA, `unexpected key ${key}`);
      assert.equal(typeOf(value), LOCK_SCHEMA[key], `type of ${key}`);
    }
    assert.equal(cfg.unique_id, `lockbridge_${FRONT}_lock`);
    assert.equal(cfg.name, null);
    assert.equal(cfg.command_topic, `lockbridge/${FRONT}/set`);
    assert.equal(cfg.state_topic, `lockbridge/${FRONT}/state`);
    assert.equal(cfg.value_template, "{{ value_json.state if value_json.state != 'UNKNOWN' else 'None' }}");
    assert.equal(cfg.payload_lock, 'LOCK');
    assert.equal(cfg.payload_unlock, 'UNLOCK');
    assert.equal(cfg.payload_open, 'OPEN', 'front can unlatch');
    assert.equal(cfg.state_locked, 'LOCKED');
    assert.equal(cfg.state_unlocked, 'UNLOCKED');
    assert.equal(cfg.state_locking, 'LOCKING');
    assert.equal(cfg.state_unlocking, 'UNLOCKING');
    assert.equal(cfg.state_jammed, 'JAMMED');
    assert.equal(cfg.state_open, 'OPEN');
    assert.equal(cfg.state_opening, 'OPENING');
    assert.equal(cfg.optimistic, false);
    assert.equal(cfg.retain, false, 'commands are never retained');
    assert.equal(cfg.qos, 1);
    assert.equal(cfg.json_attributes_topic, `lockbridge/${FRONT}/state`);
    assert.equal(cfg.code_format, undefined);
    assert.equal(cfg.command_template, undefined);
    assert.deepEqual(cfg.availability, [
      { topic: 'lockbridge/bridge/state', value_template: '{{ value_json.state }}' },
      { topic: `lockbridge/${FRONT}/availability` },
    ]);
    assert.equal(cfg.availability_mode, 'all');
    assert.deepEqual(cfg.device, {
      identifiers: [`lockbridge_${FRONT}`],
      manufacturer: (await f.hub.hub.getLock(FRONT)).manufacturer,
      model: (await f.hub.hub.getLock(FRONT)).model,
      name: 'Front Door',
      ...((await f.hub.hub.getLock(FRONT)).firmware
        ? { sw_version: (await f.hub.hub.getLock(FRONT)).firmware }
        : {}),
      ...((await f.hub.hub.getLock(FRONT)).serialNumber
        ? { serial_number: (await f.hub.hub.getLock(FRONT)).serialNumber }
        : {}),
    });
    assert.deepEqual(cfg.origin, {
      name: 'Lockbridge',
      sw_version: '1.2.3',
      support_url: 'https://github.com/lockbridge/homebridge-lockbridge',
    });
  });

  it('leaves OPEN out where the lock cannot unlatch, and asks for the unlock code where one is set', async () => {
    const garage = tryJson((await c.waitFor(topic('lock', GARAGE, 'lock'))).payload) as Config;
    assert.equal(garage.payload_open, undefined);
    assert.equal(garage.code_format, '^\\d{4,}$');
    assert.equal(garage.command_template, '{"command": "{{ value }}", "code": "{{ code }}"}');
    assert.ok(!JSON.stringify(garage).includes('2468'), 'the code itself is never published');
  });

  it('announces battery, low-battery and door sensors with their device classes', async () => {
    const lock = await f.hub.hub.getLock(FRONT);
    assert.ok(lock.capabilities.includes('battery') && lock.capabilities.includes('door_sensor'));
    {
      const battery = tryJson((await c.waitFor(topic('sensor', FRONT, 'battery'))).payload) as Config;
      assert.equal(battery.unique_id, `lockbridge_${FRONT}_battery`);
      assert.equal(battery.device_class, 'battery');
      assert.equal(battery.unit_of_measurement, '%');
      assert.equal(battery.state_class, 'measurement');
      assert.equal(battery.entity_category, 'diagnostic');
      assert.equal(battery.state_topic, `lockbridge/${FRONT}/state`);
      assert.equal(battery.value_template, '{{ value_json.battery }}');
      assert.deepEqual((battery.device as Config).identifiers, [`lockbridge_${FRONT}`]);
      assert.equal(battery.availability_mode, 'all');
    }
    const low = tryJson((await c.waitFor(topic('binary_sensor', FRONT, 'battery_low'))).payload) as Config;
    assert.equal(low.device_class, 'battery');
    assert.equal(low.payload_on, 'ON');
    assert.equal(low.payload_off, 'OFF');
    assert.equal(low.value_template, "{{ 'ON' if value_json.battery_low else 'OFF' }}");
    assert.equal(low.entity_category, 'diagnostic');
    {
      const door = tryJson((await c.waitFor(topic('binary_sensor', FRONT, 'door'))).payload) as Config;
      assert.equal(door.device_class, 'door');
      assert.equal(door.payload_on, 'ON');
      assert.equal(door.payload_off, 'OFF');
      assert.match(String(door.value_template), /value_json.door == 'open'/);
      assert.equal(door.unique_id, `lockbridge_${FRONT}_door`);
    }
    // Unique ids never repeat across entities and locks.
    await c.waitFor(topic('lock', GARAGE, 'lock'));
    const ids = c.received
      .filter((m) => m.payload.length > 0)
      .map((m) => (tryJson(m.payload) as Config).unique_id);
    assert.equal(new Set(ids).size, new Set(c.received.map((m) => m.topic)).size);
  });

  it('resends discovery when Home Assistant comes back online, and removes a lock that disappeared', async () => {
    await c.waitFor(topic('lock', FRONT, 'lock'));
    c.received.length = 0;
    await c.publish('homeassistant/status', 'offline');
    await birth();
    await c.waitFor(topic('lock', FRONT, 'lock'));
    f.hub.emulator.removeLock('front');
    await f.hub.hub.refresh();
    const removed = await c.waitFor(topic('lock', FRONT, 'lock'), (_j, m) => m.payload.length === 0);
    assert.equal(removed.payload.length, 0);
    await c.waitFor(topic('binary_sensor', FRONT, 'battery_low'), (_j, m) => m.payload.length === 0);
  });

  it('the lock entity drives the lock through its command topic with Home Assistant payloads', async () => {
    const cfg = tryJson((await c.waitFor(topic('lock', FRONT, 'lock'))).payload) as Config;
    await c.subscribe(String(cfg.state_topic));
    await c.publish(String(cfg.command_topic), String(cfg.payload_open));
    await c.waitFor(String(cfg.state_topic), (j) => isRecord(j) && j.state === cfg.state_open);
    assert.deepEqual(
      f.hub.emulator.commands.map((x) => x.command),
      ['open'],
    );
  });
});
