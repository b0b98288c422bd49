import { hasCapability, type Lock } from '../src/core/model';

/**
 * What a lock becomes in Apple Home, from what it can do (issue 17, item 1):
 * - `lock`: it can lock or unlock: a LockMechanism that follows the bolt.
 * - `momentary`: it can only open momentarily (SmartphoneKey): the conventional momentary LockMechanism,
 *   which rests at secured, opens when unsecured and returns to secured after the open.
 * - `none`: no remote action at all (Unloc): no accessory, since a lock that never works is worse than none.
 */
export type HomeKitKind = 'lock' | 'momentary' | 'none';

export function homeKitKindOf(lock: Pick<Lock, 'capabilities'>): HomeKitKind {
  if (hasCapability(lock, 'lock') || hasCapability(lock, 'unlock')) return 'lock';
  if (hasCapability(lock, 'open')) return 'momentary';
  return 'none';
}

/** The one log line for a lock that gets no accessory. */
export function skipReason(lock: Pick<Lock, 'name' | 'vendor'>): string {
  return `Skipped ${lock.name} (${lock.vendor}): its vendor offers no remote lock, unlock or open for it, so it has no Apple Home accessory`;
}
