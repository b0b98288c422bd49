/**
 * Home Assistant MQTT discovery messages (pure; checked field by field in the tests). Two forms:
 * - `device` (default; Home Assistant 2024.11+): one message per device on
 *   `<prefix>/device/<node>/<object>/config`, its entities under `components`, each with `platform`;
 *   a lock's availability is given once, at the message's root, which every component inherits
 *   (home-assistant/core homeassistant/components/mqtt/schemas.py: DEVICE_DISCOVERY_SCHEMA extends the
 *   availability schema, SHARED_OPTIONS lists availability and availability_mode; discovery.py
 *   `_merge_common_device_options` copies them into each component that does not set its own);
 * - `entity` (older Home Assistant): one message per entity on `<prefix>/<platform>/<node>/<uid>/config`.
 * Unique ids are the same in both forms, so switching forms keeps the entities' ids and history
 * (the switch itself: ha/discovery-changes.ts). A component that went away is removed: in a device
 * message by its `platform` alone, in the entity form by an empty payload on its topic.
 */
import type { Lock } from '../core/model';
import { bridgeComponents } from './ha/bridge-components';
import {
  ALL_LOCK_OBJECTS,
  PLATFORM_OF,
  lockComponents,
  type Component,
  type Platform,
} from './ha/lock-components';
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
  /** Never retained, whatever the retain setting (a migration request). */
  transient?: boolean;
}

export const SUPPORT_URL = 'https://github.com/lockbridge/homebridge-lockbridge';
/** The bridge's object id in discovery topics and in the discovery record: lock ids are `<vendor>_<id>`, so never this. */
export const BRIDGE_OBJECT = 'bridge';

export function uniqueIdOf(nodeId: string, objectId: string, component: string): string {
  return cleanId(`${nodeId}_${objectId}_${component}`);
}
export function bridgeDeviceId(nodeId: string): string {
  return cleanId(`${nodeId}_${BRIDGE_OBJECT}`);
}

function origin(options: DiscoveryOptions): Record<string, unknown> {
  return { name: 'Lockbridge', sw_version: options.version, support_url: SUPPORT_URL };
}

/** Availability given once at the device message's root, or per entity (the entity form, the bridge). */
type Availability = { shared: Record<string, unknown> } | { of: (id: string) => Record<string, unknown> };

/** Wraps components in the configured form, with removals for the components in `removed`. */
function assemble(
  objectId: string,
  device: Record<string, unknown>,
  components: ReadonlyMap<string, Component>,
  availability: Availability,
  options: DiscoveryOptions,
  removed: Record<string, Platform> = {},
): DiscoveryMessage[] {
  const gone = Object.entries(removed).filter(([id]) => !components.has(id));
  const perEntity = (id: string): Record<string, unknown> =>
    'of' in availability ? availability.of(id) : options.form === 'entity' ? availability.shared : {};
  const entity = (id: string, c: Component): Record<string, unknown> => ({
    unique_id: uniqueIdOf(options.nodeId, objectId, id),
    ...perEntity(id),
    ...c.config,
  });
  if (options.form === 'device') {
    const cmps: Record<string, unknown> = {};
    for (const [id, c] of components) cmps[id] = { platform: c.platform, ...entity(id, c) };
    for (const [id, platform] of gone) cmps[id] = { platform };
    const shared = 'shared' in availability ? availability.shared : {};
    return [
      {
        topic: discoveryTopic(options.prefix, 'device', options.nodeId, objectId),
        payload: { device, origin: origin(options), ...shared, components: cmps },
      },
    ];
  }
  const topicOf = (id: string, platform: Platform): string =>
    discoveryTopic(options.prefix, platform, options.nodeId, uniqueIdOf(options.nodeId, objectId, id));
  return [
    ...[...components].map(([id, c]) => ({
      topic: topicOf(id, c.platform),
      payload: { ...entity(id, c), device, origin: origin(options) },
    })),
    ...gone.map(([id, platform]) => ({ topic: topicOf(id, platform), payload: null })),
  ];
}

export interface LockDiscoveryInput {
  lock: Lock;
  /** The device name (see ha/device-names.ts). */
  name: string;
  /** The lock's unlock code, if it has one (only its format is published, never the code). */
  unlockCode?: string;
}

/** The components a lock is given (their ids and platforms decide what a later message must remove). */
export function lockComponentsOf(
  input: LockDiscoveryInput,
  options: DiscoveryOptions,
): Map<string, Component> {
  return lockComponents(input.lock, { topics: options.topics, unlockCode: input.unlockCode });
}

export function lockDiscovery(
  input: LockDiscoveryInput,
  options: DiscoveryOptions,
  removed: Record<string, Platform> = {},
): DiscoveryMessage[] {
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
  // Available while the bridge is online and the lock is reachable: shared by every entity of the lock.
  const shared = {
    availability: [
      { topic: topics.bridgeState, value_template: '{{ value_json.state }}' },
      { topic: topics.lock(lock.id, 'availability') },
    ],
    availability_mode: 'all',
  };
  const components = lockComponentsOf(input, options);
  return assemble(lock.id, device, components, { shared }, options, removed);
}

export function bridgeDiscovery(
  accounts: readonly string[],
  options: DiscoveryOptions,
  removed: Record<string, Platform> = {},
): { messages: DiscoveryMessage[]; components: Map<string, Component>; skipped: string[] } {
  const { components, skipped } = bridgeComponents(options.topics, accounts);
  const device = {
    identifiers: [bridgeDeviceId(options.nodeId)],
    manufacturer: 'Lockbridge',
    model: 'Bridge',
    name: options.nodeId === 'lockbridge' ? 'Lockbridge' : `Lockbridge ${options.nodeId}`,
    sw_version: options.version,
  };
  // Connectivity shows the bridge going offline, so it is the one entity without availability (hence
  // per entity here: a shared root availability would be inherited by it too).
  const of = (id: string): Record<string, unknown> =>
    id === 'connectivity'
      ? {}
      : { availability: [{ topic: options.topics.bridgeState, value_template: '{{ value_json.state }}' }] };
  return {
    messages: assemble(BRIDGE_OBJECT, device, components, { of }, options, removed),
    components,
    skipped,
  };
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
