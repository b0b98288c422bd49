import type { LastAction, LockState } from '../src/core/model';
import type { HAP } from './hap-types';

/**
 * Pure mappings between the core lock model and HAP characteristic values. The numbers come from
 * api.hap (LockCurrentState UNSECURED=0 SECURED=1 JAMMED=2 UNKNOWN=3; LockTargetState UNSECURED=0 SECURED=1).
 */

/** LockCurrentState for a core state. Transitions report where the bolt still is. */
export function currentStateOf(hap: HAP, state: LockState): number {
  const C = hap.Characteristic.LockCurrentState;
  switch (state) {
    case 'LOCKED':
    case 'UNLOCKING':
      return C.SECURED;
    case 'UNLOCKED':
    case 'LOCKING':
    case 'OPEN':
    case 'OPENING':
      return C.UNSECURED;
    case 'JAMMED':
      return C.JAMMED;
    default:
      return C.UNKNOWN;
  }
}

/**
 * The LockTargetState a core state implies, or undefined where it implies none (JAMMED, UNKNOWN):
 * the target then stays where it was. Used so the target follows physical changes.
 */
export function targetStateOf(hap: HAP, state: LockState): number | undefined {
  const T = hap.Characteristic.LockTargetState;
  switch (state) {
    case 'LOCKED':
    case 'LOCKING':
      return T.SECURED;
    case 'UNLOCKED':
    case 'UNLOCKING':
    case 'OPEN':
    case 'OPENING':
      return T.UNSECURED;
    default:
      return undefined;
  }
}

/** The unlatch control is "secured" except while the lock is open/opening (it is a momentary action). */
export function unlatchCurrentOf(hap: HAP, state: LockState): number {
  const C = hap.Characteristic.LockCurrentState;
  return state === 'OPEN' || state === 'OPENING' ? C.UNSECURED : C.SECURED;
}

/** LockLastKnownAction (0..10) for the last action, or undefined when HAP has no matching value. */
export function lastKnownActionOf(hap: HAP, action: LastAction | null): number | undefined {
  if (!action) return undefined;
  const A = hap.Characteristic.LockLastKnownAction;
  const secured = action.action === 'LOCKED' || action.action === 'LOCKING';
  const unsecured = ['UNLOCKED', 'UNLOCKING', 'OPEN', 'OPENING'].includes(action.action);
  if (!secured && !unsecured) return undefined;
  switch (action.how) {
    case 'keypad':
      return secured ? A.SECURED_BY_KEYPAD : A.UNSECURED_BY_KEYPAD;
    case 'remote':
    case 'app':
    case 'bluetooth':
    case 'tag':
    case 'schedule':
      return secured ? A.SECURED_REMOTELY : A.UNSECURED_REMOTELY;
    case 'auto':
      return secured ? A.SECURED_BY_AUTO_SECURE_TIMEOUT : A.UNSECURED_REMOTELY;
    case 'manual':
    case 'key':
      return secured ? A.SECURED_PHYSICALLY : A.UNSECURED_PHYSICALLY;
    default:
      return undefined;
  }
}

/** HAP wants FirmwareRevision as x[.y[.z]]; vendor strings like "v1.2.3-beta" are reduced to that. */
export function firmwareRevisionOf(firmware: string | undefined): string | undefined {
  const match = firmware?.match(/\d+(\.\d+){0,2}/);
  return match ? match[0] : undefined;
}

/**
 * HAP 1.x warns about names that do not start and end with a letter or digit or hold other symbols;
 * vendor names ("Front door (back)") are reduced to what it accepts.
 */
export function hapNameOf(name: string, fallback = 'Lock'): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} ']+/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .slice(0, 64)
    .trim();
  return cleaned || fallback;
}
