import type { Lock } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { ensureService, handleGet, noResponse, push } from './handlers';

/** Battery level and low-battery warning, for locks that report them. */
export class BatteryService implements LockServiceBinding {
  private readonly level: Characteristic;
  private readonly low: Characteristic;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    name: string,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.Battery, `${name} Battery`);
    this.level = service.getCharacteristic(hap.Characteristic.BatteryLevel);
    this.low = service.getCharacteristic(hap.Characteristic.StatusLowBattery);
    service
      .getCharacteristic(hap.Characteristic.ChargingState)
      .updateValue(hap.Characteristic.ChargingState.NOT_CHARGEABLE);
    handleGet(hap, log, this.level, `${name}: reading the battery`, () => {
      const level = handle.available().status.battery;
      // An unknown level is not guessed: "No Response" until the vendor tells.
      if (level === null) throw noResponse(hap);
      return clampLevel(level);
    });
    handleGet(hap, log, this.low, `${name}: reading the battery`, () => this.lowValue(handle.available()));
  }

  update(lock: Lock, reachable: boolean): void {
    if (!reachable) return;
    if (lock.status.battery !== null) push(this.level, clampLevel(lock.status.battery));
    push(this.low, this.lowValue(lock));
  }

  private lowValue(lock: Lock): number {
    const S = this.handle.hap.Characteristic.StatusLowBattery;
    return lock.status.batteryLow ? S.BATTERY_LEVEL_LOW : S.BATTERY_LEVEL_NORMAL;
  }
}

function clampLevel(level: number): number {
  return Math.max(0, Math.min(100, Math.round(level)));
}
