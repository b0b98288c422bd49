import type { LockbridgeConfig } from '../../src/config/types';
import { DEFAULT_ACCESS_CODE_SETTINGS, type AccessCodeSettings } from './controller';

/** The Access Code service's settings from the `codes` block of the platform configuration. */
export function accessCodeSettingsOf(codes: LockbridgeConfig['codes'] | undefined): AccessCodeSettings {
  const d = DEFAULT_ACCESS_CODE_SETTINGS;
  return {
    answerWithinMs:
      codes?.homeKitAnswerSeconds !== undefined ? codes.homeKitAnswerSeconds * 1000 : d.answerWithinMs,
    pollMs: codes?.homeKitPollSeconds !== undefined ? codes.homeKitPollSeconds * 1000 : d.pollMs,
    maxBulk: d.maxBulk,
  };
}
