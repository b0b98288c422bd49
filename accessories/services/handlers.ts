import { toLockbridgeError } from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import type { WithUUID } from 'homebridge';
import type { Characteristic, CharacteristicValue, HAP, PlatformAccessory, Service } from '../hap-types';

/** A concrete HAP service class (LockMechanism, Battery ...): new (name, subtype). */
type ServiceClass = WithUUID<new (displayName?: string, subtype?: string) => Service>;

/** "No Response" in the Home app. */
export function noResponse(hap: HAP): Error {
  return new hap.HapStatusError(hap.HAPStatus.SERVICE_COMMUNICATION_FAILURE);
}

/**
 * Whatever a handler throws becomes a HapStatusError: HAP statuses pass through, everything else is
 * logged (it is already redacted by the logger) and answered with "No Response". No handler can leak an
 * exception or an unhandled rejection into Homebridge.
 */
function toHapError(hap: HAP, log: Logger, label: string, err: unknown): Error {
  if (err instanceof hap.HapStatusError) return err;
  const e = toLockbridgeError(err);
  log.warn(`${label}: ${e.message} (${e.code})`);
  return noResponse(hap);
}

export function handleGet(
  hap: HAP,
  log: Logger,
  characteristic: Characteristic,
  label: string,
  read: () => CharacteristicValue,
): void {
  characteristic.onGet(async () => {
    try {
      return read();
    } catch (err) {
      throw toHapError(hap, log, label, err);
    }
  });
}

export function handleSet(
  hap: HAP,
  log: Logger,
  characteristic: Characteristic,
  label: string,
  write: (value: CharacteristicValue) => void | Promise<void>,
): void {
  characteristic.onSet(async (value) => {
    try {
      await write(value);
    } catch (err) {
      throw toHapError(hap, log, label, err);
    }
  });
}

/** The accessory's service of a type (and subtype), added when missing; its name kept current. */
export function ensureService(
  hap: HAP,
  accessory: PlatformAccessory,
  type: ServiceClass,
  name: string,
  subtype?: string,
): Service {
  const existing = findService(accessory, type, subtype);
  const service = existing ?? accessory.addService(new type(name, subtype));
  service.setCharacteristic(hap.Characteristic.Name, name);
  return service;
}

/** Removes a service the lock no longer has (a cached accessory from an older discovery). */
export function removeService(accessory: PlatformAccessory, type: ServiceClass, subtype?: string): void {
  const existing = findService(accessory, type, subtype);
  if (existing) accessory.removeService(existing);
}

/** getService(type) would also return a subtyped service (the unlatch lock); this matches exactly. */
function findService(
  accessory: PlatformAccessory,
  type: ServiceClass,
  subtype?: string,
): Service | undefined {
  return accessory.services.find((s) => s.UUID === type.UUID && (s.subtype ?? undefined) === subtype);
}

/** Sets a characteristic (HAP notifies subscribed controllers on change); undefined means "nothing to say". */
export function push(characteristic: Characteristic, value: CharacteristicValue | undefined): void {
  if (value !== undefined) characteristic.updateValue(value);
}
