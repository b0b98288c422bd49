import assert from 'node:assert/strict';
import { entitiesOf, render } from './home-assistant-schema';
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
/** A code with a quote, a backslash and non-ASCII characters: string interpolation would break on it. */
const ODD_CODE = 'a"b\\c ü€😀 7';
type Config = Record<string, unknown>;

describe('mqtt bridge: Home Assistant discovery', function () {
  this.timeout(15_000);
  let f: BridgeFixture;
  let c: TestClient;
  let timers: ManualTimers;

  const device = (lock: string) => `homeassistant/device/lockbridge/${lock}/config`;
  const component = async (lock: string, id: string): Promise<Config> => {
    const payload = tryJson((await c.waitFor(device(lock))).payload) as Config;
    const entity = entitiesOf(device(lock), payload).find(
      (e) => e.config.unique_id === `lockbridge_${lock}_${id}`,
    );
    assert.ok(entity, `${lock} has ${id}`);
    return entity.config;
  };

  async function start(config: Config = {}) {
    timers = new ManualTimers();
    f = await startBridgeFixture({ unlockCodes: { [GARAGE]: ODD_CODE }, ...config }, { timers });
    c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('homeassistant/#');
  }
  afterEach(async () => {
    await c.end();
    await f.stop();
  });

  it('sends one retained device message per lock, its lock entity field by field', async () => {
    await start();
    const m = await c.waitFor(device(FRONT));
    const payload = tryJson(m.payload) as Config;
    assert.deepEqual(Object.keys(payload).sort(), [
      'availability',
      'availability_mode',
      'components',
      'device',
      'origin',
    ]);
    // The lock's availability is given once, at the root; every component inherits it.
    assert.deepEqual(payload.availability, [
      { topic: 'lockbridge/bridge/state', value_template: '{{ value_json.state }}' },
      { topic: `lockbridge/${FRONT}/availability` },
    ]);
    assert.equal(payload.availability_mode, 'all');
    for (const [id, raw] of Object.entries(payload.components as Record<string, Config>)) {
      assert.equal(raw.availability, undefined, `${id} repeats the availability`);
      assert.equal(raw.availability_mode, undefined, `${id} repeats the availability mode`);
    }
    const front = await f.hub.hub.getLock(FRONT);
    assert.deepEqual(payload.device, {
      identifiers: [`lockbridge_${FRONT}`],
      manufacturer: front.manufacturer,
      model: front.model,
      name: 'Front Door',
      via_device: 'lockbridge_bridge',
      ...(front.firmware ? { sw_version: front.firmware } : {}),
      ...(front.serialNumber ? { serial_number: front.serialNumber } : {}),
    });
    assert.deepEqual(payload.origin, {
      name: 'Lockbridge',
      sw_version: '1.2.3',
      support_url: 'https://github.com/lockbridge/homebridge-lockbridge',
    });
    const lock = await component(FRONT, 'lock');
    assert.deepEqual(lock, {
      platform: 'lock',
      unique_id: `lockbridge_${FRONT}_lock`,
      availability: [
        { topic: 'lockbridge/bridge/state', value_template: '{{ value_json.state }}' },
        { topic: `lockbridge/${FRONT}/availability` },
      ],
      availability_mode: 'all',
      name: null,
      state_topic: `lockbridge/${FRONT}/state`,
      command_topic: `lockbridge/${FRONT}/set`,
      value_template: "{{ value_json.state if value_json.state != 'UNKNOWN' else 'None' }}",
      payload_lock: 'LOCK',
      payload_unlock: 'UNLOCK',
      payload_open: 'OPEN',
      state_locked: 'LOCKED',
      state_unlocked: 'UNLOCKED',
      state_locking: 'LOCKING',
      state_unlocking: 'UNLOCKING',
      state_jammed: 'JAMMED',
      state_open: 'OPEN',
      state_opening: 'OPENING',
      optimistic: false,
      qos: 1,
      retain: false,
      json_attributes_topic: `lockbridge/${FRONT}/state`,
      json_attributes_template:
        '{{ {"door": value_json.door, "last_action": value_json.last_action} | tojson }}',
    });
    // Retained: a Home Assistant started later gets it from the broker.
    const late = await TestClient.connect(f.bridge.brokerUrl);
    await late.subscribe(device(FRONT));
    assert.equal((await late.waitFor(device(FRONT))).retain, true);
    await late.end();
  });

  it('builds the coded command with tojson, so quotes, backslashes and unicode in a code still unlock', async () => {
    await start();
    const lock = await component(GARAGE, 'lock');
    assert.equal(lock.payload_open, undefined, 'the garage cannot unlatch');
    assert.equal(lock.code_format, '^.{4,}$');
    assert.equal(lock.command_template, '{"command": {{ value | tojson }}, "code": {{ code | tojson }}}');
    assert.ok(
      !(await c.waitFor(device(GARAGE))).payload.toString().includes('ü€😀'),
      'the code is never published',
    );
    for (const code of [ODD_CODE, '"', '\\', 'ü', '"}, "command": "OPEN']) {
      const rendered = render(String(lock.command_template), '', { value: 'UNLOCK', code });
      assert.deepEqual(JSON.parse(rendered), { command: 'UNLOCK', code }, rendered);
    }
    // What Home Assistant would send, rendered from the template, unlocks the lock through the bridge.
    await c.subscribe(String(lock.state_topic));
    const body = render(String(lock.command_template), '', { value: 'UNLOCK', code: ODD_CODE });
    await c.publish(String(lock.command_topic), body);
    await c.waitFor(String(lock.state_topic), (j) => isRecord(j) && j.state === 'UNLOCKED');
    assert.deepEqual(
      f.hub.emulator.commands.map((x) => x.command),
      ['unlock'],
    );
    assert.ok(!f.logs.text().includes(ODD_CODE), 'the code is never logged');
  });

  it('raises locked/unlocked events with who, how and when, and command_failed with the error', async () => {
    await start();
    const event = await component(FRONT, 'event');
    await c.subscribe(String(event.state_topic));
    f.hub.emulator.physical('front', 'unlocked', 'Bob');
    const m = await c.waitFor(String(event.state_topic));
    assert.equal(m.retain, false);
    const body = tryJson(m.payload) as Config;
    assert.equal(body.event_type, 'unlocked');
    assert.equal(body.who, 'Bob');
    assert.equal(body.how, 'manual');
    assert.equal(typeof body.at, 'string');
    assert.ok((event.event_types as string[]).includes(String(body.event_type)));
    // A wrong code: the bridge refuses, and the lock's event entity says so.
    c.received.length = 0;
    await c.subscribe(`lockbridge/${GARAGE}/event`);
    await c.publish(`lockbridge/${GARAGE}/set`, JSON.stringify({ command: 'UNLOCK', code: 'nope' }));
    const failed = tryJson((await c.waitFor(`lockbridge/${GARAGE}/event`)).payload) as Config;
    assert.equal(failed.event_type, 'command_failed');
    assert.equal(failed.command, 'UNLOCK');
    assert.equal(typeof failed.code, 'string');
    assert.ok(!JSON.stringify(failed).includes('nope'), 'the given code is not echoed');
    // An unknown lock gets no event topic.
    await c.subscribe('lockbridge/nosuchlock/event');
    await c.publish('lockbridge/nosuchlock/set', 'UNLOCK');
    assert.equal((await c.request('locks')).status, 'ok');
    assert.equal(c.received.filter((x) => x.topic === 'lockbridge/nosuchlock/event').length, 0);
  });

  it('raises command_failed for a lock command sent as a request too, without the code or free text', async () => {
    await start();
    await c.waitFor(device(GARAGE));
    const events = `lockbridge/${GARAGE}/event`;
    await c.subscribe(events);
    const answer = await c.request('command', { lock: GARAGE, command: 'unlock', code: '8642' });
    assert.equal(answer.status, 'error');
    const failed = tryJson((await c.waitFor(events)).payload) as Config;
    assert.equal(failed.event_type, 'command_failed');
    assert.equal(failed.command, 'UNLOCK');
    assert.equal(failed.code, (answer.error as Config).code);
    assert.equal(typeof failed.message, 'string');
    assert.ok(!JSON.stringify(failed).includes('8642'), 'the given code is not echoed');
    // A command that is no command is not repeated (the field is free text: it could hold anything).
    c.received.length = 0;
    assert.equal((await c.request('command', { lock: GARAGE, command: '1357' })).status, 'error');
    const junk = tryJson((await c.waitFor(events)).payload) as Config;
    assert.equal(junk.event_type, 'command_failed');
    assert.equal(junk.command, null);
    assert.ok(!JSON.stringify(junk).includes('1357'));
    // Another request failing on a lock (not a command) raises nothing.
    c.received.length = 0;
    await c.request('codes/list', { lock: 'nosuchlock' });
    await c.request('command', { lock: 'nosuchlock', command: 'LOCK' });
    assert.equal(c.received.filter((m) => m.topic.endsWith('/event')).length, 0);
  });

  it('shows who operated the lock last in its own sensor, from the real state payload', async () => {
    await start();
    const sensor = await component(FRONT, 'last_operated_by');
    await c.subscribe(String(sensor.state_topic));
    f.hub.emulator.physical('front', 'locked', 'Zoë');
    const m = await c.waitFor(
      String(sensor.state_topic),
      (j) => isRecord(j) && isRecord(j.last_action) && j.last_action.who === 'Zoë',
    );
    assert.equal(render(String(sensor.value_template), m.payload.toString()), 'Zoë');
    assert.deepEqual(
      JSON.parse(render(String(sensor.json_attributes_template), m.payload.toString())),
      (tryJson(m.payload) as Config).last_action,
    );
  });

  it('resends discovery when Home Assistant comes back online, and removes a lock that disappeared', async () => {
    await start();
    await c.waitFor(device(FRONT));
    c.received.length = 0;
    await c.publish('homeassistant/status', 'online');
    await eventually(() => timers.pending.size > 0);
    timers.fireAll();
    await c.waitFor(device(FRONT));
    f.hub.emulator.removeLock('front');
    await f.hub.hub.refresh();
    const removed = await c.waitFor(device(FRONT), (_j, m) => m.payload.length === 0);
    assert.equal(removed.retain, false, 'delivered live');
    await c.waitFor(
      `homeassistant/lock/lockbridge/lockbridge_${FRONT}_lock/config`,
      (_j, m) => m.payload.length === 0,
    );
  });

  it('keeps the per-entity form behind an option, with the same unique ids', async () => {
    await start({ homeAssistant: { discovery: 'entity' } });
    const m = await c.waitFor(`homeassistant/lock/lockbridge/lockbridge_${FRONT}_lock/config`);
    const [lock] = entitiesOf(m.topic, tryJson(m.payload) as Config);
    assert.equal(lock.config.unique_id, `lockbridge_${FRONT}_lock`);
    assert.equal(lock.config.platform, undefined);
    assert.equal((lock.config.device as Config).via_device, 'lockbridge_bridge');
    // No root to share it from: each entity carries the lock's availability.
    assert.deepEqual(lock.config.availability, [
      { topic: 'lockbridge/bridge/state', value_template: '{{ value_json.state }}' },
      { topic: `lockbridge/${FRONT}/availability` },
    ]);
    assert.equal(lock.config.availability_mode, 'all');
    await c.waitFor(`homeassistant/event/lockbridge/lockbridge_${FRONT}_event/config`);
    await c.waitFor('homeassistant/binary_sensor/lockbridge/lockbridge_bridge_connectivity/config');
    assert.equal(c.received.filter((x) => x.topic.startsWith('homeassistant/device/')).length, 0);
  });

  it('adds the vendor to a name another lock shares, and renames the first when the second comes', async () => {
    await start();
    await c.waitFor(device(FRONT));
    f.hub.emulator.addLock({ id: 'front2', name: 'front  door' });
    await f.hub.hub.refresh();
    const second = await c.waitFor(device('testvendor_front2'));
    const first = await c.waitFor(
      device(FRONT),
      (j) => isRecord(j) && isRecord(j.device) && j.device.name !== 'Front Door',
    );
    // Same vendor: the account tells them apart.
    assert.equal(((tryJson(first.payload) as Config).device as Config).name, 'Front Door (testvendor, tv)');
    assert.equal(((tryJson(second.payload) as Config).device as Config).name, 'front  door (testvendor, tv)');
  });
});
