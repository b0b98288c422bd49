import { toLockbridgeError } from '../../src/core/errors';
import type { Lock } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { ensureService, handleGet, handleSet, push } from './handlers';

export interface MomentaryOpenOptions {
  /** The service subtype: none for the lock's own (primary) LockMechanism. */
  subtype?: string;
  /** The accessory's primary service (a lock that can only open momentarily). */
  primary?: boolean;
  /** Words for the log: "unlatch" or "open". */
  verb: string;
}

/**
 * A LockMechanism that sends OPEN (a momentary action). It is a lock service rather than a switch so that
 * the Home app asks for authentication, as it does for unlocking. It rests at SECURED; "unsecure" it and
 * the lock opens, then it returns to SECURED once the command has ended. Used for the Unlatch control of a
 * lock that can also unlock, and as the lock itself for a lock that can only open (SmartphoneKey).
 */
export class MomentaryOpenService implements LockServiceBinding {
  private readonly current: Characteristic;
  private readonly target: Characteristic;
  private seq = 0;
  private pending = false;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    private readonly name: string,
    private readonly options: MomentaryOpenOptions,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.LockMechanism, name, options.subtype);
    if (options.primary) service.setPrimaryService(true);
    this.current = service.getCharacteristic(hap.Characteristic.LockCurrentState);
    this.target = service.getCharacteristic(hap.Characteristic.LockTargetState);
    handleGet(hap, log, this.current, `${name}: reading`, () => this.currentValue(handle.available()));
    handleGet(hap, log, this.target, `${name}: reading`, () => {
      handle.available();
      return this.targetValue();
    });
    handleSet(hap, log, this.target, `${name}: sending ${options.verb}`, (value) =>
      this.request(Number(value)),
    );
  }

  update(lock: Lock, reachable: boolean): void {
    if (!reachable) return;
    push(this.current, this.currentValue(lock));
    push(this.target, this.targetValue());
  }

  private currentValue(lock: Lock): number {
    const C = this.handle.hap.Characteristic.LockCurrentState;
    // A jam reported by the vendor is shown where this is the lock itself, never hidden behind "secured".
    if (this.options.primary && lock.status.state === 'JAMMED') return C.JAMMED;
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
        this.handle.log.warn(`${this.name}: ${this.options.verb} failed: ${e.message} (${e.code})`);
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
