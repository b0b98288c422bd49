/**
 * From what was published before (discovery-record.ts) to what is published now (pure). Home Assistant's
 * ways, from home-assistant/core homeassistant/components/mqtt/:
 * - discovery.py `_async_process_discovery_migration`: a `{"migrate_discovery": true}` payload on a
 *   config topic unloads what was discovered there, keeping the entity registry entries (entity.py
 *   MqttDiscoveryUpdateMixin: with the migration flag the entity is only unloaded, not removed); on a
 *   device topic, `_generate_device_config` does so for each of its components. The same unique ids,
 *   published in the other form afterwards, take over those registry entries (entity ids, names, areas
 *   and history stay); then the old topic is cleared with an empty retained payload (the procedure
 *   entity.py logs: "After completed migration, publish an empty (retained) payload to <old topic>").
 * - An empty payload on a config topic removes its entity (or, on a device topic, every component).
 * - In a device message a component given only its `platform` is removed (discovery.py: "If the dict is
 *   empty after removing the platform, the payload is assumed to remove the existing config"; schemas.py
 *   check_unique_id asks no unique_id of such a component).
 */
import { uniqueIdOf, type DiscoveryForm, type DiscoveryMessage } from '../ha-discovery';
import { discoveryTopic } from '../topics';
import type { DiscoveryRecord, PublishedObjects } from './discovery-record';
import type { Platform } from './lock-components';

export interface DiscoveryPlace {
  prefix: string;
  nodeId: string;
  form: DiscoveryForm;
}

/**
 * - `same`: nothing moved; what the record holds is what Home Assistant holds.
 * - `migrate`: only the form changed: hand each entity over (migrate_discovery), then clear the old topics.
 * - `move`: the prefix or node id changed: the old configs are cleared (nothing can be handed over).
 * - `unknown`: no record (a first start, or storage without one): nothing to clean.
 */
export type Transition = 'same' | 'migrate' | 'move' | 'unknown';

export function transitionFrom(previous: DiscoveryRecord | undefined, now: DiscoveryPlace): Transition {
  if (!previous) return 'unknown';
  if (previous.prefix !== now.prefix || previous.nodeId !== now.nodeId) return 'move';
  return previous.form === now.form ? 'same' : 'migrate';
}

/** The config topics one device's components were published on, in a given place and form. */
export function topicsOf(
  place: DiscoveryPlace,
  objectId: string,
  components: Record<string, Platform>,
): string[] {
  if (place.form === 'device') return [discoveryTopic(place.prefix, 'device', place.nodeId, objectId)];
  return Object.entries(components).map(([id, platform]) =>
    discoveryTopic(place.prefix, platform, place.nodeId, uniqueIdOf(place.nodeId, objectId, id)),
  );
}

function everyTopic(place: DiscoveryPlace, objects: PublishedObjects): string[] {
  return Object.entries(objects).flatMap(([objectId, components]) => topicsOf(place, objectId, components));
}

/** Step one of a form switch: every old topic is told to unload its entities, keeping their registry entries. */
export function migrationMessages(previous: DiscoveryRecord): DiscoveryMessage[] {
  // Never retained: a migration request left on the broker would be replayed to every later start
  // of Home Assistant; the old topic is cleared (retained, empty) once the new configs are out.
  return everyTopic(previous, previous.objects).map((topic) => ({
    topic,
    payload: { migrate_discovery: true },
    transient: true,
  }));
}

/** Empty retained payloads on the given objects' topics (all of them by default). */
export function clearingMessages(previous: DiscoveryPlace, objects: PublishedObjects): DiscoveryMessage[] {
  return everyTopic(previous, objects).map((topic) => ({ topic, payload: null }));
}

/** The components published before and absent now (by id; a platform change counts as removed). */
export function removedComponents(
  before: Record<string, Platform> | undefined,
  now: ReadonlyMap<string, { platform: Platform }>,
): Record<string, Platform> {
  const out: Record<string, Platform> = {};
  for (const [id, platform] of Object.entries(before ?? {}))
    if (now.get(id)?.platform !== platform) out[id] = platform;
  return out;
}
