import type { Lock } from '../../src/core/model';
import type { LockHandle, PlatformAccessory } from '../hap-types';
import { firmwareRevisionOf } from '../state-mapping';
import { handleSet } from './handlers';

/** AccessoryInformation: manufacturer, model, serial number and firmware of the lock. */
export function bindInformation(handle: LockHandle, accessory: PlatformAccessory, name: string): void {
  const { hap, log } = handle;
  const service =
    accessory.getService(hap.Service.AccessoryInformation) ??
    accessory.addService(hap.Service.AccessoryInformation);
  handleSet(hap, log, service.getCharacteristic(hap.Characteristic.Identify), `${name}: identify`, () => {
    log.info(`${name}: identify requested (cloud locks have nothing to blink)`);
  });
}

export function updateInformation(handle: LockHandle, accessory: PlatformAccessory, lock: Lock): void {
  const { hap } = handle;
  const service = accessory.getService(hap.Service.AccessoryInformation);
  if (!service) return;
  service
    .setCharacteristic(hap.Characteristic.Manufacturer, lock.manufacturer || lock.vendor)
    .setCharacteristic(hap.Characteristic.Model, lock.model || 'Smart lock')
    .setCharacteristic(hap.Characteristic.SerialNumber, lock.serialNumber || lock.vendorLockId);
  const firmware = firmwareRevisionOf(lock.firmware);
  if (firmware) service.setCharacteristic(hap.Characteristic.FirmwareRevision, firmware);
}
