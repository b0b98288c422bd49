import { hasCapability, type CodeRules, type Lock } from '../../src/core/model';
import type { SupportedConfiguration } from './codec';

/** When the vendor says nothing about how many codes a lock holds. */
export const DEFAULT_MAX_CODES = 100;

/**
 * Whether a lock gets the Access Code service: it holds codes (the `access_codes` capability, rules
 * declared by its driver), they are digits only (HAP's one character set), and the Home app may
 * choose them (a lock whose vendor picks every code cannot take the PIN the Home app sends).
 */
export function holdsHomeKitCodes(lock: Pick<Lock, 'capabilities' | 'codeRules'>): boolean {
  const rules = lock.codeRules;
  if (!hasCapability(lock, 'access_codes') || !rules) return false;
  return rules.numeric && rules.lengths.length > 0 && !vendorPicks(rules);
}

function vendorPicks(rules: CodeRules): boolean {
  return (
    rules.canSpecifyCode === false ||
    rules.constraints.some((c) => c.constraint_type === 'cannot_specify_pin_code')
  );
}

/** SupportedConfiguration from the lock's own rules in the code engine. */
export function supportedConfigurationOf(rules: CodeRules): SupportedConfiguration {
  return {
    minLength: Math.min(...rules.lengths),
    maxLength: Math.max(...rules.lengths),
    maxCodes: Math.min(rules.maxActive ?? DEFAULT_MAX_CODES, 0xffff),
  };
}
