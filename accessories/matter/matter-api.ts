import type { API } from 'homebridge';

/**
 * The part of Homebridge 2's `api.matter` that Lockbridge uses, typed narrowly here: the repository
 * builds against Homebridge 1.x types (which have no Matter), and Homebridge 2's own types pull in
 * `@matter/*`, which is never a dependency of this package. Shapes from homebridge@2.1.0
 * `dist/api.d.ts` (MatterAPI) and `dist/matter/types.d.ts` (MatterAccessory).
 */

/** A matter.js endpoint type (an opaque value handed back to Homebridge). */
export type MatterDeviceType = object;

/** `handlers.doorLock` of a MatterAccessory: Homebridge sets lockState only when these resolve. */
export interface DoorLockHandlers {
  lockDoor(): Promise<void>;
  unlockDoor(): Promise<void>;
}

/** A child endpoint of an accessory (`parts`), e.g. the door's contact sensor. */
export interface MatterAccessoryPart {
  id: string;
  displayName: string;
  deviceType: MatterDeviceType;
  clusters: Record<string, Record<string, unknown>>;
}

export interface MatterAccessory {
  UUID: string;
  displayName: string;
  deviceType: MatterDeviceType;
  serialNumber: string;
  manufacturer: string;
  model: string;
  firmwareRevision?: string;
  context: Record<string, unknown>;
  clusters: Record<string, Record<string, unknown>>;
  handlers?: { doorLock: DoorLockHandlers };
  parts?: MatterAccessoryPart[];
}

export interface MatterApi {
  readonly uuid: { generate(data: string): string };
  readonly deviceTypes: { readonly DoorLock: MatterDeviceType; readonly ContactSensor: MatterDeviceType };
  registerPlatformAccessories(
    plugin: string,
    platform: string,
    accessories: MatterAccessory[],
  ): Promise<void>;
  unregisterPlatformAccessories(
    plugin: string,
    platform: string,
    accessories: Array<Pick<MatterAccessory, 'UUID'>>,
  ): Promise<void>;
  updateAccessoryState(
    uuid: string,
    cluster: string,
    attributes: Record<string, unknown>,
    partId?: string,
  ): Promise<void>;
  /** A cluster's state, or undefined while the accessory is not (yet) on the bridge. */
  getAccessoryState(
    uuid: string,
    cluster: string,
    partId?: string,
  ): Promise<Record<string, unknown> | undefined>;
}

/** What Homebridge 2 adds to the API object; Homebridge 1.x has none of it. */
interface MatterHost {
  isMatterEnabled?: () => boolean;
  matter?: unknown;
}

/**
 * `api.matter` when this Homebridge publishes over Matter (2.x with a `bridge.matter` block), else
 * undefined: Homebridge 1.x, or 2.x without Matter, behave exactly as before.
 */
export function matterApiOf(api: API): MatterApi | undefined {
  const host = api as unknown as MatterHost;
  if (typeof host.isMatterEnabled !== 'function' || !host.isMatterEnabled()) return undefined;
  const matter = host.matter as Partial<MatterApi> | undefined;
  if (
    !matter ||
    typeof matter.registerPlatformAccessories !== 'function' ||
    typeof matter.unregisterPlatformAccessories !== 'function' ||
    typeof matter.updateAccessoryState !== 'function' ||
    typeof matter.getAccessoryState !== 'function' ||
    !matter.deviceTypes?.DoorLock ||
    !matter.uuid
  )
    return undefined;
  return matter as MatterApi;
}
