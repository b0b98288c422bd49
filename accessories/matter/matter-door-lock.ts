import { LockbridgeError } from '../../src/core/errors';
import type { LockSource } from '../../src/core/lock-source';
import type { Logger } from '../../src/core/logger';
import { hasCapability, type Lock, type LockCommand, type LockState } from '../../src/core/model';
import {
  MATTER_LOCK_TYPE_DEAD_BOLT,
  MATTER_OPERATING_MODE_NORMAL,
  contactOf,
  matterLockStateOf,
} from './door-lock-state';
import type { MatterAccessory, MatterApi } from './matter-api';
import { matterCommandError } from './matter-status';

export interface MatterDoorLockDeps {
  matter: MatterApi;
  log: Logger;
  /** The running source, or undefined before launch / after shutdown. */
  source(): LockSource | undefined;
  /** Whether the lock's account is down (error, waiting for a two-factor code ...). */
  accountDown(account: string): boolean;
  /** How long after a controller asked its command may still be sent (see MATTER_COMMAND_EXPIRY_MS). */
  expiryMs: number;
}

/**
 * A Matter controller waits seconds, not a minute, for a lock command's answer (matter.js's own
 * interactions give up after about 10 s of MRP retries). An unlock sent after the controller reported a
 * failure is a late unlock, so a Matter command expires then: never sent later, answered Timeout.
 */
export const MATTER_COMMAND_EXPIRY_MS = 10_000;

/** The part id of the door's contact sensor (a child endpoint of the lock). */
export const DOOR_PART = 'door';

/** Matter's BasicInformation strings (vendor, product, label, serial) hold at most 32 characters. */
const MATTER_STRING_MAX = 32;

type DoorCommand = Extract<LockCommand, 'LOCK' | 'UNLOCK' | 'OPEN'>;

/** States that show a command was taken up: the final state follows as an event. */
const ACCEPTED: Record<DoorCommand, LockState[]> = {
  LOCK: ['LOCKED', 'LOCKING'],
  UNLOCK: ['UNLOCKED', 'UNLOCKING', 'OPEN', 'OPENING'],
  OPEN: ['OPEN', 'OPENING', 'UNLOCKED', 'LOCKED'],
};

/**
 * One lock as a Matter DoorLock. lockState follows the hub's events; the handlers run the command
 * through the LockSource (deadline, queue and read-back included) and throw a Matter status when it
 * fails, so Homebridge never sets lockState for a command the lock did not carry out. The door, where
 * the lock has a sensor, is a Contact Sensor part: Homebridge 2.1's DoorLock server has no
 * DoorPositionSensor feature, so the DoorLock's own doorState attribute cannot be published.
 */
export class MatterDoorLock {
  private lock: Lock;

  constructor(
    readonly uuid: string,
    lock: Lock,
    private readonly deps: MatterDoorLockDeps,
  ) {
    this.lock = lock;
  }

  /** Registered again when this changes (a door sensor appeared or went): parts are fixed at registration. */
  static shapeOf(lock: Lock): string {
    return hasCapability(lock, 'door_sensor') ? DOOR_PART : '';
  }

  get current(): Lock {
    return this.lock;
  }

  accessory(): MatterAccessory {
    const { matter } = this.deps;
    const lock = this.lock;
    const accessory: MatterAccessory = {
      UUID: this.uuid,
      displayName: short(lock.name),
      deviceType: matter.deviceTypes.DoorLock,
      serialNumber: short(lock.serialNumber ?? lock.vendorLockId),
      manufacturer: short(lock.manufacturer || lock.vendor),
      model: short(lock.model || lock.vendor),
      ...(lock.firmware ? { firmwareRevision: short(lock.firmware) } : {}),
      context: {
        lockId: lock.id,
        vendor: lock.vendor,
        vendorLockId: lock.vendorLockId,
        account: lock.account,
      },
      clusters: {
        doorLock: {
          lockState: matterLockStateOf(lock.status.state),
          lockType: MATTER_LOCK_TYPE_DEAD_BOLT,
          actuatorEnabled: true,
          operatingMode: MATTER_OPERATING_MODE_NORMAL,
        },
      },
      handlers: {
        doorLock: {
          lockDoor: () => this.run('LOCK'),
          unlockDoor: () => this.run('UNLOCK'),
        },
      },
    };
    if (MatterDoorLock.shapeOf(lock) === DOOR_PART) {
      accessory.parts = [
        {
          id: DOOR_PART,
          displayName: short(`${lock.name} Door`),
          deviceType: matter.deviceTypes.ContactSensor,
          clusters: { booleanState: { stateValue: contactOf(lock.status.door) ?? true } },
        },
      ];
    }
    return accessory;
  }

  /** New state from the hub: lockState, reachability and the door go to Matter. */
  async update(lock: Lock): Promise<void> {
    this.lock = lock;
    const { matter } = this.deps;
    const reachable = this.reachable(lock);
    await matter.updateAccessoryState(this.uuid, 'bridgedDeviceBasicInformation', { reachable });
    if (!reachable) return;
    await matter.updateAccessoryState(this.uuid, 'doorLock', {
      lockState: matterLockStateOf(lock.status.state),
    });
    const contact = contactOf(lock.status.door);
    if (contact !== undefined && MatterDoorLock.shapeOf(lock) === DOOR_PART) {
      await matter.updateAccessoryState(this.uuid, 'booleanState', { stateValue: contact }, DOOR_PART);
    }
  }

  private reachable(lock: Lock): boolean {
    return lock.status.online && !this.deps.accountDown(lock.account);
  }

  /** A LockDoor/UnlockDoor from a Matter controller. Resolves only when the lock did it. */
  private async run(verb: 'LOCK' | 'UNLOCK'): Promise<void> {
    const lock = this.lock;
    let command: DoorCommand = verb;
    try {
      const source = this.deps.source();
      if (!source) throw new LockbridgeError('not_ready', 'Lockbridge is not running');
      if (!this.reachable(lock)) {
        throw new LockbridgeError('lock_offline', `${lock.name} or its account is offline`, {
          lockId: lock.id,
        });
      }
      command = this.commandFor(lock, verb);
      const result = await source.command({
        lockId: lock.id,
        command,
        origin: 'matter',
        expiresAt: Date.now() + this.deps.expiryMs,
      });
      const state = result.status.state;
      if (!ACCEPTED[command].includes(state)) {
        throw new LockbridgeError(
          state === 'JAMMED' ? 'jammed' : 'vendor_error',
          `${lock.name} reports ${state} after ${command}`,
          { lockId: lock.id },
        );
      }
    } catch (err) {
      const error = matterCommandError(err);
      this.deps.log.warn(`${lock.name}: ${command.toLowerCase()} over Matter failed: ${error.message}`);
      throw error;
    }
  }

  private commandFor(lock: Lock, verb: 'LOCK' | 'UNLOCK'): DoorCommand {
    if (verb === 'LOCK' && hasCapability(lock, 'lock')) return 'LOCK';
    if (verb === 'UNLOCK' && hasCapability(lock, 'unlock')) return 'UNLOCK';
    // A lock that only opens momentarily opens when asked to unlock (as in Apple Home).
    if (verb === 'UNLOCK' && hasCapability(lock, 'open')) return 'OPEN';
    throw new LockbridgeError('not_supported', `${lock.name} cannot ${verb.toLowerCase()} remotely`, {
      lockId: lock.id,
    });
  }
}

function short(text: string): string {
  return text.length <= MATTER_STRING_MAX ? text : text.slice(0, MATTER_STRING_MAX);
}
