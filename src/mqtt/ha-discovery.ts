/**
 * Home Assistant MQTT discovery payloads for one lock (pure; checked field by field in the tests):
 * a lock entity, battery and low-battery sensors and a door binary sensor, each with device info,
 * a unique id, and availability on both the bridge and the lock.
 */
import { hasCapability, type Lock } from '../core/model';
import { cleanId, discoveryTopic, type Topics } from './topics';
import { codeFormatFor } from './unlock-code';

export interface DiscoveryOptions {
  topics: Topics;
  prefix: string;
  /** The node id under the prefix: the cleaned base topic, so two bridges never collide. */
  nodeId: string;
  version: string;
  /** The lock's unlock code, if it has one (only its format is published, never the code). */
  unlockCode?: string;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

export const SUPPORT_URL = 'https://github.com/lockbridge/homebridge-lockbridge';
export type DiscoveryObject = 'lock' | 'battery' | 'battery_low' | 'door';
const COMPONENT: Record<DiscoveryObject, string> = {
  lock: 'lock',
  battery: 'sensor',
  battery_low: 'binary_sensor',
  door: 'binary_sensor',
};

export function uniqueIdOf(nodeId: string, lockId: string, object: DiscoveryObject): string {
  return cleanId(`${nodeId}_${lockId}_${object}`);
}

export function discoveryTopicOf(
  options: Pick<DiscoveryOptions, 'prefix' | 'nodeId'>,
  lockId: string,
  object: DiscoveryObject,
): string {
  return discoveryTopic(
    options.prefix,
    COMPONENT[object],
    options.nodeId,
    uniqueIdOf(options.nodeId, lockId, object),
  );
}

/** Every possible entity of a lock, for removal (an entity a lock never had is harmless to delete). */
export const ALL_OBJECTS: DiscoveryObject[] = ['lock', 'battery', 'battery_low', 'door'];

export function discoveryMessages(lock: Lock, options: DiscoveryOptions): DiscoveryMessage[] {
  const { topics } = options;
  const stateTopic = topics.lock(lock.id, 'state');
  const device: Record<string, unknown> = {
    identifiers: [cleanId(`${options.nodeId}_${lock.id}`)],
    manufacturer: lock.manufacturer || lock.vendor,
    model: lock.model || 'Lock',
    name: lock.name,
  };
  if (lock.firmware) device.sw_version = lock.firmware;
  if (lock.serialNumber) device.serial_number = lock.serialNumber;
  const common = (object: DiscoveryObject): Record<string, unknown> => ({
    unique_id: uniqueIdOf(options.nodeId, lock.id, object),
    state_topic: stateTopic,
    availability: [
      { topic: topics.bridgeState, value_template: '{{ value_json.state }}' },
      { topic: topics.lock(lock.id, 'availability') },
    ],
    availability_mode: 'all',
    device,
    origin: { name: 'Lockbridge', sw_version: options.version, support_url: SUPPORT_URL },
  });

  const lockEntity: Record<string, unknown> = {
    ...common('lock'),
    // null: the entity takes the device's name, as Home Assistant recommends for a device's main feature.
    name: null,
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
  };
  if (hasCapability(lock, 'open')) lockEntity.payload_open = 'OPEN';
  if (options.unlockCode) {
    lockEntity.code_format = codeFormatFor(options.unlockCode);
    lockEntity.command_template = '{"command": "{{ value }}", "code": "{{ code }}"}';
  }
  const out: DiscoveryMessage[] = [
    { topic: discoveryTopicOf(options, lock.id, 'lock'), payload: lockEntity },
  ];

  if (hasCapability(lock, 'battery')) {
    out.push({
      topic: discoveryTopicOf(options, lock.id, 'battery'),
      payload: {
        ...common('battery'),
        name: 'Battery',
        device_class: 'battery',
        unit_of_measurement: '%',
        state_class: 'measurement',
        entity_category: 'diagnostic',
        value_template: '{{ value_json.battery }}',
      },
    });
  }
  // Every lock reports battery_low (false where unknown); the sensor follows the battery capability
  // or, without a level, still warns.
  out.push({
    topic: discoveryTopicOf(options, lock.id, 'battery_low'),
    payload: {
      ...common('battery_low'),
      name: 'Battery low',
      device_class: 'battery',
      entity_category: 'diagnostic',
      value_template: "{{ 'ON' if value_json.battery_low else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
    },
  });
  if (hasCapability(lock, 'door_sensor')) {
    out.push({
      topic: discoveryTopicOf(options, lock.id, 'door'),
      payload: {
        ...common('door'),
        name: 'Door',
        device_class: 'door',
        value_template:
          "{{ 'ON' if value_json.door == 'open' else ('OFF' if value_json.door == 'closed' else 'None') }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      },
    });
  }
  return out;
}
