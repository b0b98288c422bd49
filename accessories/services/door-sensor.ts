import type { DoorState, Lock } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { ensureService, handleGet, noResponse, push } from './handlers';

export const DOOR_SUBTYPE = 'door';

/** The door's contact sensor (August DoorSense, Nuki door sensor ...), where the lock knows it. */
export class DoorSensorService implements LockServiceBinding {
  private readonly state: Characteristic;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    name: string,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.ContactSensor, `${name} Door`, DOOR_SUBTYPE);
    this.state = service.getCharacteristic(hap.Characteristic.ContactSensorState);
    handleGet(hap, log, this.state, `${name}: reading the door`, () => {
      const value = this.valueOf(handle.available().status.door);
      if (value === undefined) throw noResponse(hap);
      return value;
    });
  }

  update(lock: Lock, reachable: boolean): void {
    if (reachable) push(this.state, this.valueOf(lock.status.door));
  }

  private valueOf(door: DoorState): number | undefined {
    const C = this.handle.hap.Characteristic.ContactSensorState;
    if (door === 'closed') return C.CONTACT_DETECTED;
    if (door === 'open') return C.CONTACT_NOT_DETECTED;
    return undefined;
  }
}
