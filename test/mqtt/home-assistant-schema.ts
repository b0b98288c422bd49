/**
 * Home Assistant's MQTT discovery schema, as far as Lockbridge uses it, to check discovery messages
 * field by field. Sources: home-assistant/core homeassistant/components/mqtt/ (abbreviations.py,
 * discovery.py, schemas.py MQTT_ENTITY_COMMON_SCHEMA, config.py MQTT_RO/RW_SCHEMA, lock.py, button.py,
 * event.py, sensor.py, binary_sensor.py) and home-assistant.io source/_integrations/mqtt.markdown
 * (device discovery: `device`, `origin` required, `components` each with `platform` and `unique_id`;
 * schemas.py DEVICE_DISCOVERY_SCHEMA and SHARED_OPTIONS for the options the root may carry, which
 * discovery.py `_merge_common_device_options` gives every component that does not set its own; a
 * component with nothing but `platform` is a removal, schemas.py check_unique_id).
 * Templates are rendered with nunjucks (Jinja's syntax) plus Home Assistant's `tojson` filter.
 */
import assert from 'node:assert/strict';
import nunjucks from 'nunjucks';

/** The abbreviations Home Assistant expands (abbreviations.py), for the keys in this schema. */
const ABBREVIATIONS: Record<string, string> = {
  avty: 'availability',
  avty_mode: 'availability_mode',
  cmd_t: 'command_topic',
  cmd_tpl: 'command_template',
  cmps: 'components',
  code_format: 'code_format',
  dev: 'device',
  dev_cla: 'device_class',
  ent_cat: 'entity_category',
  evt_typ: 'event_types',
  json_attr_t: 'json_attributes_topic',
  json_attr_tpl: 'json_attributes_template',
  o: 'origin',
  opt: 'optimistic',
  ops: 'options',
  p: 'platform',
  pl_lock: 'payload_lock',
  pl_off: 'payload_off',
  pl_on: 'payload_on',
  pl_open: 'payload_open',
  pl_prs: 'payload_press',
  pl_unlk: 'payload_unlock',
  ret: 'retain',
  stat_cla: 'state_class',
  stat_jam: 'state_jammed',
  stat_locked: 'state_locked',
  stat_locking: 'state_locking',
  stat_open: 'state_open',
  stat_opening: 'state_opening',
  stat_t: 'state_topic',
  stat_unlocked: 'state_unlocked',
  stat_unlocking: 'state_unlocking',
  t: 'topic',
  uniq_id: 'unique_id',
  unit_of_meas: 'unit_of_measurement',
  val_tpl: 'value_template',
};
const DEVICE_ABBREVIATIONS: Record<string, string> = {
  ids: 'identifiers',
  mf: 'manufacturer',
  mdl: 'model',
  sw: 'sw_version',
  sn: 'serial_number',
  via_device: 'via_device',
};
const ORIGIN_ABBREVIATIONS: Record<string, string> = { sw: 'sw_version', url: 'support_url' };

function expand(obj: Record<string, unknown>, table: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [table[k] ?? k, v]));
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length > 0;
const nameOrNull: Check = (v) => v === null || str(v);
const bool: Check = (v) => typeof v === 'boolean';
const qos: Check = (v) => v === 0 || v === 1 || v === 2;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const topic: Check = (v) => str(v) && !/[#+]/.test(v as string);
const template: Check = (v) => str(v) && (v as string).includes('{{');
const stringList: Check = (v) => Array.isArray(v) && v.length > 0 && v.every(str);
const availability: Check = (v) =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((a) => {
    const e = expand(a as Record<string, unknown>, ABBREVIATIONS);
    return (
      topic(e.topic) &&
      Object.keys(e).every((k) =>
        ['topic', 'value_template', 'payload_available', 'payload_not_available'].includes(k),
      )
    );
  });

/** MQTT_ENTITY_COMMON_SCHEMA and the QoS of MQTT_BASE_SCHEMA: every platform accepts these. */
const COMMON: Record<string, Check> = {
  platform: oneOf('lock', 'button', 'event', 'sensor', 'binary_sensor'),
  unique_id: str,
  name: nameOrNull,
  availability,
  availability_mode: oneOf('all', 'any', 'latest'),
  entity_category: oneOf('diagnostic', 'config'),
  // cv.icon: "prefix:name" (helpers/config_validation.py).
  icon: (v) => typeof v === 'string' && /^[a-z0-9-]+:[a-z0-9-]+$/.test(v),
  json_attributes_topic: topic,
  json_attributes_template: template,
  qos,
  device: (v) => typeof v === 'object' && v !== null,
  origin: (v) => typeof v === 'object' && v !== null,
};
const RO: Record<string, Check> = { state_topic: topic, value_template: template };

export const PLATFORMS: Record<string, { keys: Record<string, Check>; required: string[] }> = {
  lock: {
    required: ['command_topic'],
    keys: {
      ...COMMON,
      ...RO,
      command_topic: topic,
      command_template: template,
      code_format: (v) => str(v) && new RegExp(v as string) instanceof RegExp,
      retain: bool,
      optimistic: bool,
      payload_lock: str,
      payload_unlock: str,
      payload_open: str,
      payload_reset: str,
      state_locked: str,
      state_unlocked: str,
      state_locking: str,
      state_unlocking: str,
      state_jammed: str,
      state_open: str,
      state_opening: str,
    },
  },
  button: {
    required: ['command_topic'],
    keys: { ...COMMON, command_topic: topic, command_template: template, payload_press: str, retain: bool },
  },
  event: {
    required: ['state_topic', 'event_types'],
    keys: { ...COMMON, ...RO, event_types: stringList, device_class: oneOf('doorbell', 'button', 'motion') },
  },
  sensor: {
    required: ['state_topic'],
    keys: {
      ...COMMON,
      ...RO,
      device_class: oneOf('battery', 'enum', 'timestamp'),
      unit_of_measurement: str,
      state_class: oneOf('measurement', 'total', 'total_increasing'),
      options: stringList,
    },
  },
  binary_sensor: {
    required: ['state_topic'],
    keys: {
      ...COMMON,
      ...RO,
      device_class: oneOf('battery', 'door', 'connectivity', 'problem', 'lock'),
      payload_on: str,
      payload_off: str,
    },
  },
};

const DEVICE_KEYS: Record<string, Check> = {
  identifiers: stringList,
  manufacturer: str,
  model: str,
  name: str,
  sw_version: str,
  serial_number: str,
  via_device: str,
};
const ORIGIN_KEYS: Record<string, Check> = { name: str, sw_version: str, support_url: str };

function checkKeys(what: string, obj: Record<string, unknown>, keys: Record<string, Check>): void {
  for (const [k, v] of Object.entries(obj)) {
    assert.ok(k in keys, `${what}: unexpected key ${k}`);
    assert.ok(keys[k](v), `${what}: bad value for ${k}: ${JSON.stringify(v)}`);
  }
}

/** One entity's config, expanded and checked; returns it expanded. */
export function checkEntity(
  what: string,
  platform: string,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const e = expand(raw, ABBREVIATIONS);
  const schema = PLATFORMS[platform];
  assert.ok(schema, `${what}: unsupported platform ${platform}`);
  checkKeys(what, e, schema.keys);
  for (const k of [...schema.required, 'unique_id']) assert.ok(k in e, `${what}: ${k} is required`);
  if (e.device_class === 'enum') {
    assert.ok(e.options, `${what}: an enum sensor needs options`);
    assert.equal(e.unit_of_measurement, undefined, `${what}: an enum sensor has no unit`);
    assert.equal(e.state_class, undefined, `${what}: an enum sensor has no state class`);
  }
  if (e.device)
    checkKeys(
      `${what} device`,
      expand(e.device as Record<string, unknown>, DEVICE_ABBREVIATIONS),
      DEVICE_KEYS,
    );
  if (e.origin)
    checkKeys(
      `${what} origin`,
      expand(e.origin as Record<string, unknown>, ORIGIN_ABBREVIATIONS),
      ORIGIN_KEYS,
    );
  return e;
}

/** The options a device message's root may carry besides device, origin and components (DEVICE_DISCOVERY_SCHEMA). */
const DEVICE_ROOT: Record<string, Check> = {
  availability,
  availability_mode: oneOf('all', 'any', 'latest'),
  state_topic: topic,
  command_topic: topic,
  qos,
};
/** schemas.py SHARED_OPTIONS, as far as this schema knows them: inherited by each component. */
const SHARED_OPTIONS = ['availability', 'availability_mode', 'state_topic', 'command_topic', 'qos'];

/** The component ids a device message removes (a component given only its platform). */
export function removalsOf(payload: Record<string, unknown>): Record<string, string> {
  const p = expand(payload, ABBREVIATIONS);
  const out: Record<string, string> = {};
  for (const [id, raw] of Object.entries((p.components ?? {}) as Record<string, Record<string, unknown>>)) {
    const e = expand(raw, ABBREVIATIONS);
    if (Object.keys(e).length === 1 && 'platform' in e) out[id] = String(e.platform);
  }
  return out;
}

export interface Entity {
  topic: string;
  platform: string;
  config: Record<string, unknown>;
  device: Record<string, unknown>;
}

const TOPIC = /^[^/]+\/(\w+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;

/** A discovery message in either form, checked, as its entities (device and origin expanded). */
export function entitiesOf(topicName: string, payload: Record<string, unknown>): Entity[] {
  const m = TOPIC.exec(topicName);
  assert.ok(m, `discovery topic ${topicName} matches Home Assistant's TOPIC_MATCHER`);
  const p = expand(payload, ABBREVIATIONS);
  if (m[1] === 'device') {
    const { components, device: rawDevice, origin, ...root } = p;
    assert.ok(components && rawDevice && origin, `${topicName}: device, origin and components are required`);
    checkKeys(`${topicName} root`, root, DEVICE_ROOT);
    const device = expand(p.device as Record<string, unknown>, DEVICE_ABBREVIATIONS);
    checkKeys(`${topicName} device`, device, DEVICE_KEYS);
    checkKeys(
      `${topicName} origin`,
      expand(p.origin as Record<string, unknown>, ORIGIN_ABBREVIATIONS),
      ORIGIN_KEYS,
    );
    const removed = removalsOf(payload);
    return Object.entries(components as Record<string, Record<string, unknown>>)
      .filter(([id]) => !(id in removed))
      .map(([id, raw]) => {
        assert.match(id, /^[a-zA-Z0-9_-]+$/);
        const e = expand(raw, ABBREVIATIONS);
        for (const option of SHARED_OPTIONS) if (option in root && !(option in e)) e[option] = root[option];
        const config = checkEntity(`${topicName} ${id}`, String(e.platform), e);
        return { topic: topicName, platform: String(e.platform), config, device };
      });
  }
  const config = checkEntity(topicName, m[1], p);
  assert.equal(m[3], config.unique_id, 'object id = unique id (best practice)');
  return [
    {
      topic: topicName,
      platform: m[1],
      config,
      device: expand(config.device as Record<string, unknown>, DEVICE_ABBREVIATIONS),
    },
  ];
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
// Home Assistant's tojson is json.dumps: any JSON encoder gives the same value back.
env.addFilter('tojson', (v: unknown) => JSON.stringify(v ?? null));

/** Renders a template the way Home Assistant does for MQTT: `value` the payload, `value_json` its JSON. */
export function render(tpl: string, payload: string, extra: Record<string, unknown> = {}): string {
  let valueJson: unknown;
  try {
    valueJson = JSON.parse(payload);
  } catch {
    valueJson = undefined;
  }
  return env.renderString(tpl, { value: payload, value_json: valueJson, ...extra }).trim();
}
