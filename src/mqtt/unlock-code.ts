import type { Lock } from '../core/model';
import { secretEquals } from './broker-acl';
import type { BridgeSettings } from './settings';

/**
 * The unlock code that guards a lock on MQTT, if any: the lock's own (mqtt.unlockCodes) or its
 * account's (accounts[].unlockCode; a sandbox account's vendor accounts are named `<id>-<vendor>`).
 */
export function unlockCodeFor(
  lock: Pick<Lock, 'id' | 'account'>,
  settings: BridgeSettings,
): string | undefined {
  const own = settings.unlockCodes[lock.id];
  if (own) return own;
  const byAccount = settings.accountUnlockCodes;
  if (byAccount[lock.account]) return byAccount[lock.account];
  const parent = Object.keys(byAccount).find((id) => lock.account.startsWith(`${id}-`));
  return parent ? byAccount[parent] : undefined;
}

/** Constant-time check of a given code against the expected one. */
export function unlockCodeMatches(given: string | undefined, expected: string): boolean {
  return secretEquals(given ?? '', expected) && given !== undefined;
}

/** Home Assistant's code_format for a code: a numeric keypad for digits, free text otherwise. */
export function codeFormatFor(code: string): string {
  return /^\d+$/.test(code) ? '^\\d{4,}$' : '^.{4,}$';
}
