import type { LastAction, Lock, LockCommand, LockState, LockStatus } from '../core/model';
import type { DriverLock } from '../vendors/driver';

/** Two statuses are the same when everything but the timestamp is. */
export function sameStatus(a: LockStatus, b: LockStatus): boolean {
  return (
    a.state === b.state &&
    a.door === b.door &&
    a.battery === b.battery &&
    a.batteryLow === b.batteryLow &&
    a.online === b.online &&
    a.keys === b.keys &&
    a.lastAction?.at === b.lastAction?.at &&
    a.lastAction?.action === b.lastAction?.action &&
    // The activity feed may name who (and the keypad slot) of an action already known.
    a.lastAction?.who === b.lastAction?.who &&
    a.lastAction?.how === b.lastAction?.how &&
    a.lastAction?.slot === b.lastAction?.slot
  );
}

export function toLock(id: string, account: string, vendor: string, d: DriverLock, now: number): Lock {
  return {
    id,
    vendor,
    account,
    vendorLockId: d.vendorLockId,
    name: d.name,
    manufacturer: d.manufacturer,
    model: d.model,
    serialNumber: d.serialNumber,
    firmware: d.firmware,
    capabilities: [...d.capabilities],
    codeRules: d.codeRules,
    status: { ...d.status, updatedAt: d.status.updatedAt ?? new Date(now).toISOString() },
  };
}

/** The state a command aims for, and the transitional state shown while it runs. */
export function commandTarget(command: LockCommand): { target: LockState[]; transitional?: LockState } {
  switch (command) {
    case 'LOCK':
      return { target: ['LOCKED'], transitional: 'LOCKING' };
    case 'UNLOCK':
      return { target: ['UNLOCKED', 'OPEN'], transitional: 'UNLOCKING' };
    case 'OPEN':
      // An unlatch ends open (then unlocked); a momentary open may already be back to locked.
      return { target: ['OPEN', 'UNLOCKED'], transitional: 'OPENING' };
    case 'STATUS':
      return { target: [] };
  }
}

export const COMMAND_CAPABILITY = { LOCK: 'lock', UNLOCK: 'unlock', OPEN: 'open' } as const;

/**
 * The last action to keep when a new report arrives. A report of the same action, moments apart, that
 * does not say who (a command's own answer) must not erase the name a push already gave; and a report
 * with no action at all keeps the one we know.
 */
export function mergeLastAction(
  known: LastAction | null,
  incoming: LastAction | null | undefined,
): LastAction | null {
  if (!incoming) return known;
  if (
    known?.who &&
    !incoming.who &&
    known.action === incoming.action &&
    Math.abs(Date.parse(known.at) - Date.parse(incoming.at)) < 10_000
  ) {
    return known;
  }
  return incoming;
}
