import type { Lock } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { lastKnownActionOf } from '../state-mapping';
import { ensureService, handleGet, handleSet, push } from './handlers';

/**
 * LockManagement, which HAP requires beside a LockMechanism: the control point (accepted, nothing to
 * do for a cloud lock), the version, and the last known action (keypad, remote, by hand ...).
 */
export class LockManagementService implements LockServiceBinding {
  private readonly lastAction: Characteristic;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    name: string,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.LockManagement, `${name} Management`);
    const control = service.getCharacteristic(hap.Characteristic.LockControlPoint);
    handleSet(hap, log, control, `${name}: lock control point`, () => {
      log.debug(`${name}: ignored a LockControlPoint write (cloud locks have no HAP lock management)`);
    });
    service.getCharacteristic(hap.Characteristic.Version).updateValue('1.0');
    this.lastAction = service.getCharacteristic(hap.Characteristic.LockLastKnownAction);
    handleGet(hap, log, this.lastAction, `${name}: reading the last action`, () => {
      const lock = handle.available();
      // Without a known action, HAP's last value stands (HomeKit shows this characteristic nowhere).
      return lastKnownActionOf(hap, lock.status.lastAction) ?? this.lastAction.value ?? 0;
    });
  }

  update(lock: Lock, reachable: boolean): void {
    if (reachable) push(this.lastAction, lastKnownActionOf(this.handle.hap, lock.status.lastAction));
  }
}
