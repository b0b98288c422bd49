/**
 * The Home Assistant entities of one lock, decided by what the lock can do (pure; each entity's
 * options as Home Assistant's MQTT platforms name them, without the device and origin):
 * - lock and unlock: a `lock` entity (with OPEN where the lock can unlatch);
 * - a momentary open only (SmartphoneKey): a `button` "Open", and a `lock` entity only where the
 *   vendor reports a bolt state;
 * - no remote action (Unloc): no lock entity, only what the lock has.
 * Every lock gets an `event` entity (what happened, who, how; failed commands) and a "Last operated
 * by" sensor; battery entities only with battery data; a door sensor only with a door sensor; a "Keys"
 * count where the lock has keys and the vendor says how many (Unloc, SmartphoneKey).
 */
import { hasCapability, type Lock } from '../../core/model';
import type { Topics } from '../topics';
import { codeFormatFor } from '../unlock-code';

export type Platform = 'lock' | 'button' | 'event' | 'sensor' | 'binary_sensor';
export interface Component {
  platform: Platform;
  config: Record<string, unknown>;
}
/** Component ids: the last part of each entity's unique id. */
export type LockObject =
  'lock' | 'open' | 'event' | 'last_operated_by' | 'battery' | 'battery_low' | 'door' | 'keys';
export const ALL_LOCK_OBJECTS: LockObject[] = [
  'lock',
  'open',
  'event',
  'last_operated_by',
  'battery',
  'battery_low',
  'door',
  'keys',
];
export const PLATFORM_OF: Record<LockObject, Platform> = {
  lock: 'lock',
  open: 'button',
  event: 'event',
  last_operated_by: 'sensor',
  battery: 'sensor',
  battery_low: 'binary_sensor',
  door: 'binary_sensor',
  keys: 'sensor',
};

/** What a lock's event entity can report (the event topic's `event_type`). */
export const EVENT_TYPES = ['locked', 'unlocked', 'opened', 'jammed', 'command_failed'] as const;

export interface LockComponentOptions {
  topics: Topics;
  /** The lock's unlock code, if it has one (only its format is published, never the code). */
  unlockCode?: string;
}

export function isLockEntity(lock: Lock): boolean {
  if (hasCapability(lock, 'lock') && hasCapability(lock, 'unlock')) return true;
  return hasCapability(lock, 'open') && hasCapability(lock, 'lock_state');
}

export function lockComponents(lock: Lock, options: LockComponentOptions): Map<LockObject, Component> {
  const { topics } = options;
  const stateTopic = topics.lock(lock.id, 'state');
  const out = new Map<LockObject, Component>();
  const canLockUnlock = hasCapability(lock, 'lock') && hasCapability(lock, 'unlock');
  const codeOptions = (): Record<string, unknown> =>
    options.unlockCode
      ? {
          code_format: codeFormatFor(options.unlockCode),
          // tojson: a code with a quote, a backslash or any character still makes valid JSON.
          command_template: '{"command": {{ value | tojson }}, "code": {{ code | tojson }}}',
        }
      : {};

  if (isLockEntity(lock)) {
    const entity: Record<string, unknown> = {
      // null: the entity takes the device's name, as Home Assistant recommends for a device's main feature.
      name: null,
      state_topic: stateTopic,
      command_topic: topics.lock(lock.id, 'set'),
      // UNKNOWN becomes "None", Home Assistant's payload_reset, which shows the state as unknown.
      value_template: "{{ value_json.state if value_json.state != 'UNKNOWN' else 'None' }}",
      payload_lock: 'LOCK',
      payload_unlock: 'UNLOCK',
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
      json_attributes_topic: stateTopic,
      json_attributes_template:
        '{{ {"door": value_json.door, "last_action": value_json.last_action} | tojson }}',
      ...codeOptions(),
    };
    if (hasCapability(lock, 'open')) entity.payload_open = 'OPEN';
    out.set('lock', { platform: 'lock', config: entity });
  }
  // A button carries no code, so a lock guarded by an unlock code would refuse every press: such a
  // lock gets no button (its lock entity, where it has one, asks for the code).
  if (hasCapability(lock, 'open') && !canLockUnlock && !options.unlockCode) {
    out.set('open', {
      platform: 'button',
      config: {
        name: 'Open',
        command_topic: topics.lock(lock.id, 'set'),
        payload_press: 'OPEN',
        qos: 1,
        retain: false,
      },
    });
  }
  out.set('event', {
    platform: 'event',
    config: {
      name: 'Activity',
      state_topic: topics.lock(lock.id, 'event'),
      event_types: [...EVENT_TYPES],
      qos: 1,
    },
  });
  out.set('last_operated_by', {
    platform: 'sensor',
    config: {
      name: 'Last operated by',
      state_topic: stateTopic,
      value_template:
        "{{ value_json.last_action.who if value_json.last_action and value_json.last_action.who else 'None' }}",
      json_attributes_topic: stateTopic,
      json_attributes_template: '{{ (value_json.last_action or {}) | tojson }}',
    },
  });
  if (hasCapability(lock, 'battery')) {
    out.set('battery', {
      platform: 'sensor',
      config: {
        name: 'Battery',
        state_topic: stateTopic,
        device_class: 'battery',
        unit_of_measurement: '%',
        state_class: 'measurement',
        entity_category: 'diagnostic',
        value_template: "{{ value_json.battery if value_json.battery is not none else 'None' }}",
      },
    });
    out.set('battery_low', {
      platform: 'binary_sensor',
      config: {
        name: 'Battery low',
        state_topic: stateTopic,
        device_class: 'battery',
        entity_category: 'diagnostic',
        value_template: "{{ 'ON' if value_json.battery_low else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      },
    });
  }
  if (hasCapability(lock, 'door_sensor')) {
    out.set('door', {
      platform: 'binary_sensor',
      config: {
        name: 'Door',
        state_topic: stateTopic,
        device_class: 'door',
        value_template:
          "{{ 'ON' if value_json.door == 'open' else ('OFF' if value_json.door == 'closed' else 'None') }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      },
    });
  }
  if (hasCapability(lock, 'keys') && lock.status.keys !== undefined) {
    out.set('keys', {
      platform: 'sensor',
      config: {
        name: 'Keys',
        state_topic: stateTopic,
        icon: 'mdi:key-chain',
        state_class: 'measurement',
        // value_json['keys'], not value_json.keys: Jinja resolves .keys to the dict's keys() method.
        value_template: "{{ value_json['keys'] if value_json['keys'] is defined else 'None' }}",
      },
    });
  }
  return out;
}
