/**
 * What the bridge last published under Home Assistant's discovery prefix, kept in the storage
 * directory, so a later start knows which configs are out there: after a switch of discovery form
 * (device <-> entity), a prefix or base topic change, a lock that left while the bridge was down, or a
 * capability that went away, it migrates or removes exactly those configs.
 *
 * Why a record rather than reading the retained configs back at start: MQTT has no end-of-retained
 * marker, and aedes streams retained messages after the SUBACK (aedes lib/handlers/subscribe.js,
 * completeSubscribe), so a barrier message can overtake them; reading them back would also cost every
 * start the whole discovery set again (some 10,000 messages at 10,000 locks), and nothing is retained
 * at all with `retain: false`, while a running Home Assistant still holds those entities.
 */
import { readJson, writeJson, type Storage } from '../../core/storage';
import type { DiscoveryForm } from '../ha-discovery';
import type { Platform } from './lock-components';

export const RECORD_NAME = 'mqtt/home-assistant-discovery.json';

/** Component id -> platform, by device object id (a lock id, or `bridge`). */
export type PublishedObjects = Record<string, Record<string, Platform>>;

export interface DiscoveryRecord {
  version: 1;
  prefix: string;
  nodeId: string;
  form: DiscoveryForm;
  objects: PublishedObjects;
}

const PLATFORMS: readonly string[] = ['lock', 'button', 'event', 'sensor', 'binary_sensor'];
const ID = /^[A-Za-z0-9_-]{1,200}$/;
/** A topic level Home Assistant accepts (discovery.py TOPIC_MATCHER), for the prefix's levels too. */
const PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The record, or undefined when there is none or it is not one we wrote (a hand-edited or torn file
 * must not make the bridge publish on topics it never used: it is then treated as absent).
 */
export async function loadRecord(storage: Storage): Promise<DiscoveryRecord | undefined> {
  const raw = await readJson<unknown>(storage, RECORD_NAME);
  if (!isObject(raw) || raw.version !== 1) return undefined;
  const { prefix, nodeId, form, objects } = raw;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) return undefined;
  if (typeof nodeId !== 'string' || !ID.test(nodeId)) return undefined;
  if (form !== 'device' && form !== 'entity') return undefined;
  if (!isObject(objects)) return undefined;
  const out: PublishedObjects = {};
  for (const [objectId, components] of Object.entries(objects)) {
    if (!ID.test(objectId) || !isObject(components)) return undefined;
    const checked: Record<string, Platform> = {};
    for (const [id, platform] of Object.entries(components)) {
      if (!ID.test(id) || typeof platform !== 'string' || !PLATFORMS.includes(platform)) return undefined;
      checked[id] = platform as Platform;
    }
    out[objectId] = checked;
  }
  return { version: 1, prefix, nodeId, form, objects: out };
}

export async function saveRecord(storage: Storage, record: DiscoveryRecord): Promise<void> {
  await writeJson(storage, RECORD_NAME, record);
}
