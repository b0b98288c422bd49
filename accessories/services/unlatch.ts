import { toLockbridgeError } from '../../src/core/errors';
import type { Lock } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { ensureService, handleGet, handleSet, push } from './handlers';

export const UNLATCH_SUBTYPE = 'unlatch';

/**
 * "<lock> Unlatch": a second LockMechanism that sends OPEN (pull the latch, door opens). It is a lock
 * service rather than a switch so that the Home app asks for authentication, as it does for unlocking.
 * It rests at SECURED; "unsecure" it and the lock unlatches, then it returns to SECURED.
 */
export class UnlatchService implements LockServiceBinding {
  private readonly current: Characteristic;
  private readonly target: Characteristic;
  private seq = 0;
  private pending = false;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    private readonly name: string,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.LockMechanism, name, UNLATCH_SUBTYPE);
    this.current = service.getCharacteristic(hap.Characteristic.LockCurrentState);
    this.target = service.getCharacteristic(hap.Characteristic.LockTargetState);
    handleGet(hap, log, this.current, `${name}: reading`, () => this.currentValue(handle.available()));
    handleGet(hap, log, this.target, `${name}: reading`, () => {
      handle.available();
      return this.targetValue();
    });
    handleSet(hap, log, this.target, `${name}: unlatching`, (value) => this.request(Number(value)));
  }

  update(lock: Lock, reachable: boolean): void {
    if (!reachable) return;
    push(this.current, this.currentValue(lock));
    push(this.target, this.targetValue());
  }

  private currentValue(lock: Lock): number {
    const C = this.handle.hap.Characteristic.LockCurrentState;
    const opening = lock.status.state === 'OPEN' || lock.status.state === 'OPENING';
    return this.pending && opening ? C.UNSECURED : C.SECURED;
  }

  private targetValue(): number {
    const T = this.handle.hap.Characteristic.LockTargetState;
    return this.pending ? T.UNSECURED : T.SECURED;
  }

  private request(value: number): void {
    this.handle.available();
    if (value !== this.handle.hap.Characteristic.LockTargetState.UNSECURED) return; // nothing to re-latch
    const seq = ++this.seq;
    this.pending = true;
    this.handle.command('OPEN').then(
      () => this.settle(seq),
      (err: unknown) => {
        const e = toLockbridgeError(err);
        this.handle.log.warn(`${this.name}: unlatch failed: ${e.message} (${e.code})`);
        this.settle(seq);
      },
    );
  }

  private settle(seq: number): void {
    try {
      if (seq !== this.seq) return;
      this.pending = false;
      const lock = this.handle.known();
      if (lock) push(this.current, this.currentValue(lock));
      push(this.target, this.targetValue());
    } catch (err) {
      this.handle.log.error(`${this.name}: ${toLockbridgeError(err).message}`);
    }
  }
}
