import { LockbridgeError } from '../src/core/errors';
import type { LockSource } from '../src/core/lock-source';
import { hasCapability, type CommandResult, type Lock, type LockCommand } from '../src/core/model';
import type { Logger } from '../src/core/logger';
import type {
  HAP,
  LockAccessoryContext,
  LockHandle,
  LockServiceBinding,
  PlatformAccessory,
} from './hap-types';
import { hapNameOf } from './state-mapping';
import { noResponse, removeService } from './services/handlers';
import { LockMechanismService } from './services/lock-mechanism';
import { LockManagementService } from './services/lock-management';
import { BatteryService } from './services/battery';
import { DOOR_SUBTYPE, DoorSensorService } from './services/door-sensor';
import { UNLATCH_SUBTYPE, UnlatchService } from './services/unlatch';
import { bindInformation, updateInformation } from './services/information';
import { MomentaryOpenService } from './services/momentary-open';
import { homeKitKindOf } from './homekit-kind';
import type { LockEvent } from '../src/core/events';
import type { Storage } from '../src/core/storage';
import { AccessCodeController, type AccessCodeSettings } from './access-code/controller';

export interface LockAccessoryDeps {
  hap: HAP;
  log: Logger;
  /** The running source, or undefined before launch / after shutdown. */
  source(): LockSource | undefined;
  /** Whether the lock's account is down (error, waiting for a two-factor code ...). */
  accountDown(account: string): boolean;
  /** Where the Access Code service keeps identifiers and its counter, and its settings (issue 18). */
  accessCodes?: { storage: Storage; settings: AccessCodeSettings };
}

type Kind = 'momentary' | 'battery' | 'door' | 'unlatch' | 'codes';

/**
 * One lock in HomeKit: owns the accessory's services and tells them about the lock. It answers
 * "No Response" until discovery has seen the lock, while it is offline, and while its account is down.
 */
export class LockAccessory implements LockHandle {
  private lock?: Lock;
  private bindings: LockServiceBinding[] = [];
  private kinds = '';
  private codes?: AccessCodeController;

  constructor(
    readonly accessory: PlatformAccessory<LockAccessoryContext>,
    private readonly deps: LockAccessoryDeps,
  ) {
    // A restored accessory is bound at once to the services it was cached with, so that HomeKit gets
    // "No Response" rather than stale cached values until the lock is discovered again.
    this.bind(this.cachedKinds());
  }

  get hap(): HAP {
    return this.deps.hap;
  }
  get log(): Logger {
    return this.deps.log;
  }
  get context(): LockAccessoryContext {
    return this.accessory.context;
  }

  /** The accessory is gone (lock removed, plugin stopping): its timers (the code poll) stop. */
  dispose(): void {
    this.codes?.stop();
  }

  known(): Lock | undefined {
    return this.lock;
  }

  available(): Lock {
    const lock = this.lock;
    if (!lock || !this.reachable(lock)) throw noResponse(this.hap);
    return lock;
  }

  command(command: LockCommand): Promise<CommandResult> {
    const source = this.deps.source();
    if (!source || !this.lock) {
      return Promise.reject(new LockbridgeError('not_ready', 'Lockbridge is not running'));
    }
    return source.command({ lockId: this.lock.id, command, origin: 'homekit' });
  }

  /** New state (or new capabilities, name, firmware) from the source. */
  update(lock: Lock): void {
    this.lock = lock;
    this.accessory.context = {
      lockId: lock.id,
      vendor: lock.vendor,
      vendorLockId: lock.vendorLockId,
      account: lock.account,
    };
    const kinds = this.kindsOf(lock);
    if (kinds.join(',') !== this.kinds) this.bind(kinds);
    updateInformation(this, this.accessory, lock);
    this.refresh();
  }

  /** Tells every service again, e.g. after the account came back or went down. */
  refresh(): void {
    const lock = this.lock;
    if (!lock) return;
    const reachable = this.reachable(lock);
    for (const binding of this.bindings) binding.update(lock, reachable);
  }

  /** An access code changed (any surface): the Access Code service counts committed changes. */
  codeEvent(event: Extract<LockEvent, { type: 'code' }>): void {
    this.codes?.onCodeEvent(event);
  }

  private reachable(lock: Lock): boolean {
    return lock.status.online && !this.deps.accountDown(lock.account);
  }

  private kindsOf(lock: Lock): Kind[] {
    const kinds: Kind[] = [];
    // A lock that can only open is itself the momentary control (the platform skips locks with no action).
    if (homeKitKindOf(lock) === 'momentary') kinds.push('momentary');
    if (hasCapability(lock, 'battery')) kinds.push('battery');
    if (hasCapability(lock, 'door_sensor')) kinds.push('door');
    // The unlatch control only where it differs from unlocking (see LockMechanismService.commandFor).
    if (hasCapability(lock, 'open') && hasCapability(lock, 'unlock')) kinds.push('unlatch');
    if (AccessCodeController.eligible(lock)) kinds.push('codes');
    return kinds;
  }

  private cachedKinds(): Kind[] {
    const { Service } = this.hap;
    const kinds: Kind[] = [];
    if (this.accessory.getService(Service.Battery)) kinds.push('battery');
    if (this.accessory.getServiceById(Service.ContactSensor, DOOR_SUBTYPE)) kinds.push('door');
    if (this.accessory.getServiceById(Service.LockMechanism, UNLATCH_SUBTYPE)) kinds.push('unlatch');
    if (this.accessory.getService(Service.AccessCode)) kinds.push('codes');
    return kinds;
  }

  private bind(kinds: Kind[]): void {
    const { Service } = this.hap;
    const name = hapNameOf(this.lock?.name ?? this.accessory.displayName);
    const accessory = this.accessory;
    bindInformation(this, accessory, name);
    const bindings: LockServiceBinding[] = [
      kinds.includes('momentary')
        ? new MomentaryOpenService(this, accessory, name, { primary: true, verb: 'open' })
        : new LockMechanismService(this, accessory, name),
      new LockManagementService(this, accessory, name),
    ];
    if (kinds.includes('battery')) bindings.push(new BatteryService(this, accessory, name));
    else removeService(accessory, Service.Battery);
    if (kinds.includes('door')) bindings.push(new DoorSensorService(this, accessory, name));
    else removeService(accessory, Service.ContactSensor, DOOR_SUBTYPE);
    if (kinds.includes('unlatch')) bindings.push(new UnlatchService(this, accessory, `${name} Unlatch`));
    else removeService(accessory, Service.LockMechanism, UNLATCH_SUBTYPE);
    const codes = this.deps.accessCodes;
    if (kinds.includes('codes') && codes) {
      this.codes ??= new AccessCodeController(this, () => this.context.lockId, {
        ...codes,
        source: this.deps.source,
      });
      bindings.push(this.codes.bind(accessory, name));
    } else if (this.codes) this.codes.unbind(accessory);
    else removeService(accessory, Service.AccessCode);
    this.bindings = bindings;
    this.kinds = kinds.join(',');
  }
}
