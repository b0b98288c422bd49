/**
 * Home Assistant MQTT discovery messages (pure; checked field by field in the tests). Two forms:
 * - `device` (default; Home Assistant 2024.11+): one message per device on
 *   `<prefix>/device/<node>/<object>/config`, its entities under `components`, each with `platform`;
 * - `entity` (older Home Assistant): one message per entity on `<prefix>/<platform>/<node>/<uid>/config`.
 * Unique ids are the same in both forms, so switching forms keeps the entities' ids and history.
 */
import type { Lock } from '../core/model';
import { bridgeComponents } from './ha/bridge-components';
import { ALL_LOCK_OBJECTS, PLATFORM_OF, lockComponents, type Component } from './ha/lock-components';
import { cleanId, discoveryTopic, type Topics } from './topics';

export type DiscoveryForm = 'device' | 'entity';

export interface DiscoveryOptions {
  topics: Topics;
  prefix: string;
  /** The node id under the prefix: the cleaned base topic, so two bridges never collide. */
  nodeId: string;
  version: string;
  form: DiscoveryForm;
}

export interface DiscoveryMessage {
  topic: string;
  /** null: an empty payload, which removes what was discovered there. */
  payload: Record<string, unknown> | null;
}

export const SUPPORT_URL = 'https://github.com/lockbridge/homebridge-lockbridge';
/** The bridge's object id: lock ids are `<vendor>_<id>`, so never this. */
const BRIDGE_OBJECT = 'bridge';

export function uniqueIdOf(nodeId: string, objectId: string, component: string): string {
  return cleanId(`${nodeId}_${objectId}_${component}`);
}
export function bridgeDeviceId(nodeId: string): string {
  return cleanId(`${nodeId}_${BRIDGE_OBJECT}`);
}

function origin(options: DiscoveryOptions): Record<string, unknown> {
  return { name: 'Lockbridge', sw_version: options.version, support_url: SUPPORT_URL };
}

/** Wraps components in the configured form; `availability` is given to each entity that has it. */
function assemble(
  objectId: string,
  device: Record<string, unknown>,
  components: Map<string, Component>,
  availability: (id: string) => Record<string, unknown>,
  options: DiscoveryOptions,
): DiscoveryMessage[] {
  const entity = (id: string, c: Component): Record<string, unknown> => ({
    unique_id: uniqueIdOf(options.nodeId, objectId, id),
    ...availability(id),
    ...c.config,
  });
  if (options.form === 'device') {
    const cmps: Record<string, unknown> = {};
    for (const [id, c] of components) cmps[id] = { platform: c.platform, ...entity(id, c) };
    return [
      {
        topic: discoveryTopic(options.prefix, 'device', options.nodeId, objectId),
        payload: { device, origin: origin(options), components: cmps },
      },
    ];
  }
  return [...components].map(([id, c]) => ({
    topic: discoveryTopic(
      options.prefix,
      c.platform,
      options.nodeId,
      uniqueIdOf(options.nodeId, objectId, id),
    ),
    payload: { ...entity(id, c), device, origin: origin(options) },
  }));
}

export interface LockDiscoveryInput {
  lock: Lock;
  /** The device name (see ha/device-names.ts). */
  name: string;
  /** The lock's unlock code, if it has one (only its format is published, never the code). */
  unlockCode?: string;
}

export function lockDiscovery(input: LockDiscoveryInput, options: DiscoveryOptions): DiscoveryMessage[] {
  const { lock } = input;
  const { topics, nodeId } = options;
  const device: Record<string, unknown> = {
    identifiers: [cleanId(`${nodeId}_${lock.id}`)],
    manufacturer: lock.manufacturer || lock.vendor,
    model: lock.model || 'Lock',
    name: input.name,
    via_device: bridgeDeviceId(nodeId),
  };
  if (lock.firmware) device.sw_version = lock.firmware;
  if (lock.serialNumber) device.serial_number = lock.serialNumber;
  const availability = {
    availability: [
      { topic: topics.bridgeState, value_template: '{{ value_json.state }}' },
      { topic: topics.lock(lock.id, 'availability') },
    ],
    availability_mode: 'all',
  };
  const components = lockComponents(lock, { topics, unlockCode: input.unlockCode });
  return assemble(lock.id, device, components, () => availability, options);
}

export function bridgeDiscovery(
  accounts: readonly string[],
  options: DiscoveryOptions,
): { messages: DiscoveryMessage[]; skipped: string[] } {
  const { components, skipped } = bridgeComponents(options.topics, accounts);
  const device = {
    identifiers: [bridgeDeviceId(options.nodeId)],
    manufacturer: 'Lockbridge',
    model: 'Bridge',
    name: options.nodeId === 'lockbridge' ? 'Lockbridge' : `Lockbridge ${options.nodeId}`,
    sw_version: options.version,
  };
  // Connectivity shows the bridge going offline, so it is the one entity without availability.
  const availability = (id: string): Record<string, unknown> =>
    id === 'connectivity'
      ? {}
      : { availability: [{ topic: options.topics.bridgeState, value_template: '{{ value_json.state }}' }] };
  return { messages: assemble(BRIDGE_OBJECT, device, components, availability, options), skipped };
}

/**
 * Empty retained payloads on every topic a lock's discovery may have used, in both forms (the form
 * may have changed since it was sent): Home Assistant deletes the entities, and no retained config lingers.
 */
export function lockRemoval(lockId: string, options: Omit<DiscoveryOptions, 'form'>): DiscoveryMessage[] {
  return [
    { topic: discoveryTopic(options.prefix, 'device', options.nodeId, lockId), payload: null },
    ...ALL_LOCK_OBJECTS.map((id) => ({
      topic: discoveryTopic(
        options.prefix,
        PLATFORM_OF[id],
        options.nodeId,
        uniqueIdOf(options.nodeId, lockId, id),
      ),
      payload: null,
    })),
  ];
}
