/**
 * The access-code engine: rules per lock, validation with every reason, generation, schedules, the
 * confirmation of every write and the durable journal of pending operations.
 */
export { createCodeService, type PinCodeService } from './service';
export type { CodeServiceOptions } from './options';
export {
  validate,
  codeReasons,
  activeCodes,
  type ValidationContext,
  type ValidationResult,
} from './validate';
export {
  generateCode,
  generateCommonCode,
  intersectRules,
  type GenerateContext,
  type GenerateResult,
} from './generate';
export { validateSchedule, parseInstant, scheduleWindow } from './schedules';
export {
  REASON_CODES,
  isBlocking,
  blockingReasons,
  type ReasonCode,
  type CodeReason,
  type ReasonSeverity,
} from './reasons';
export { KNOWN_CONSTRAINTS, MAX_CONSECUTIVE_RUN, isKnownConstraint, longestRun } from './constraints';
export {
  augustCodeRules,
  seamCodeRules,
  smartphoneKeyPanelRules,
  AUGUST_PIN_RULES,
  type SeamCodeProperties,
} from './vendor-rules';
export { CodeJournal, type JournalEntry, type JournalPhase } from './journal';
