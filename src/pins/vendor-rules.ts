import type { CodeConstraint, CodeRules, ScheduleKind } from '../core/model';
import { hasConstraint } from './constraints';

/**
 * Each vendor's own code rules as CodeRules, from the vendor documents and vendor-apis.md. Drivers may
 * build their lock's codeRules with these so the engine and the driver agree on one source.
 */

/** August / Yale: vendor-apis.md section 1d and the capabilities keypad object. */
export const AUGUST_PIN_RULES = {
  /** "At most 240 PINs set or reserved per lock." */
  maxActive: 240,
  /** Keypad pinLengthMin / pinLengthMax when the lock does not say. */
  defaultMinLength: 4,
  defaultMaxLength: 8,
  /** "Type >= 2 is needed for temporary or recurring PINs"; Type 1 holds "always" PINs only. */
  minTypeForSchedules: 2,
} as const;

export function augustCodeRules(lock: {
  type: number;
  pinLengthMin?: number;
  pinLengthMax?: number;
}): CodeRules {
  const min = lock.pinLengthMin ?? AUGUST_PIN_RULES.defaultMinLength;
  const max = lock.pinLengthMax ?? AUGUST_PIN_RULES.defaultMaxLength;
  const schedules: ScheduleKind[] =
    lock.type >= AUGUST_PIN_RULES.minTypeForSchedules
      ? ['always', 'time_bound', 'recurring', 'one_time']
      : ['always'];
  return {
    lengths: range(min, max),
    numeric: true,
    maxActive: AUGUST_PIN_RULES.maxActive,
    schedules,
    constraints: [],
    // "One PIN per user per lock; a reused PIN or a second PIN for a user -> 409."
    onePerUser: true,
    canSpecifyCode: true,
  };
}

/** The part of a Seam device's properties that describes access codes. */
export interface SeamCodeProperties {
  supported_code_lengths?: number[];
  max_active_codes_supported?: number;
  code_constraints?: CodeConstraint[];
}

/**
 * Seam: supported_code_lengths, max_active_codes_supported and code_constraints kept as they come
 * (unknown ones included). Seam codes hold always, time-bound (starts_at/ends_at) and one-time
 * (is_one_time_use); it has no recurring form.
 */
export function seamCodeRules(properties: SeamCodeProperties): CodeRules {
  const constraints = (properties.code_constraints ?? []).map((c) => ({ ...c }));
  return {
    lengths: [...(properties.supported_code_lengths ?? [])],
    numeric: true,
    maxActive: properties.max_active_codes_supported ?? null,
    schedules: ['always', 'time_bound', 'one_time'],
    constraints,
    canSpecifyCode: !hasConstraint(constraints, 'cannot_specify_pin_code'),
  };
}

/** SmartphoneKey panel: open-with-pin takes `pin` matching ^\d{4,8}$; no schedules on the panel. */
export function smartphoneKeyPanelRules(): CodeRules {
  return {
    lengths: range(4, 8),
    numeric: true,
    maxActive: null,
    schedules: ['always'],
    constraints: [],
    canSpecifyCode: true,
  };
}

function range(min: number, max: number): number[] {
  const out: number[] = [];
  for (let n = min; n <= max; n++) out.push(n);
  return out;
}
