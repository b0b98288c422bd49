import { toLockbridgeError } from '../../src/core/errors';
import { hasCapability, type Lock, type LockCommand, type LockState } from '../../src/core/model';
import type { Characteristic, LockHandle, LockServiceBinding, PlatformAccessory } from '../hap-types';
import { currentStateOf, targetStateOf } from '../state-mapping';
import { ensureService, handleGet, handleSet, push } from './handlers';

/**
 * The lock itself: LockCurrentState from the lock's state, LockTargetState from what HomeKit asked for
 * while a command runs and from the lock's state otherwise, so a turn of the key by hand moves the
 * target too and the Home app never sticks at "Unlocking...".
 */
export class LockMechanismService implements LockServiceBinding {
  private readonly current: Characteristic;
  private readonly target: Characteristic;
  private targetValue: number;
  /** Increases with every HomeKit request; a settling command that is no longer the latest is ignored. */
  private seq = 0;
  private pending = false;

  constructor(
    private readonly handle: LockHandle,
    accessory: PlatformAccessory,
    private readonly name: string,
  ) {
    const { hap, log } = handle;
    const service = ensureService(hap, accessory, hap.Service.LockMechanism, name);
    service.setPrimaryService(true);
    this.current = service.getCharacteristic(hap.Characteristic.LockCurrentState);
    this.target = service.getCharacteristic(hap.Characteristic.LockTargetState);
    const cached = Number(this.target.value);
    this.targetValue = Number.isInteger(cached) ? cached : hap.Characteristic.LockTargetState.SECURED;

    handleGet(hap, log, this.current, `${name}: reading the lock state`, () =>
      currentStateOf(hap, handle.available().status.state),
    );
    handleGet(hap, log, this.target, `${name}: reading the target state`, () => {
      handle.available();
      return this.targetValue;
    });
    handleSet(hap, log, this.target, `${name}: setting the target state`, (value) =>
      this.request(Number(value)),
    );
  }

  update(lock: Lock, reachable: boolean): void {
    if (!reachable) return;
    push(this.current, currentStateOf(this.handle.hap, lock.status.state));
    if (!this.pending) this.followState(lock.status.state);
  }

  /** Starts the command and returns at once: HomeKit shows the transition until the state changes. */
  private request(value: number): void {
    const lock = this.handle.available();
    const command = this.commandFor(lock, value);
    const seq = ++this.seq;
    this.pending = true;
    this.targetValue = value;
    this.handle.command(command).then(
      (result) => this.settle(seq, result.status.state),
      (err: unknown) => {
        const e = toLockbridgeError(err);
        this.handle.log.warn(`${this.name}: ${command.toLowerCase()} failed: ${e.message} (${e.code})`);
        this.settle(seq, this.handle.known()?.status.state);
      },
    );
  }

  private commandFor(lock: Lock, value: number): LockCommand {
    const { hap } = this.handle;
    const secure = value === hap.Characteristic.LockTargetState.SECURED;
    if (secure && hasCapability(lock, 'lock')) return 'LOCK';
    if (!secure && hasCapability(lock, 'unlock')) return 'UNLOCK';
    // A lock that only opens momentarily (no bolt to report) opens when asked to unlock.
    if (!secure && hasCapability(lock, 'open')) return 'OPEN';
    throw new hap.HapStatusError(hap.HAPStatus.NOT_ALLOWED_IN_CURRENT_STATE);
  }

  /** The command ended (either way): the target goes back to following the lock. */
  private settle(seq: number, state: LockState | undefined): void {
    try {
      if (seq !== this.seq) return;
      this.pending = false;
      if (state === undefined) return;
      push(this.current, currentStateOf(this.handle.hap, state));
      this.followState(state);
    } catch (err) {
      this.handle.log.error(`${this.name}: ${toLockbridgeError(err).message}`);
    }
  }

  private followState(state: LockState): void {
    const target = targetStateOf(this.handle.hap, state);
    if (target === undefined) return;
    this.targetValue = target;
    push(this.target, target);
  }
}
