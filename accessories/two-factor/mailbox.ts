import type { AccountStatus } from '../../src/core/events';
import type { SerializedError } from '../../src/core/errors';

/**
 * The files through which the settings UI (a separate process started by homebridge-config-ui-x) and
 * the running platform talk, inside <storagePath>/lockbridge. The UI drops a request, the platform
 * deletes it before acting (so a two-factor code never lingers on disk) and writes the result.
 */
export const STATUS_FILE = 'ui/status.json';

export function requestFile(account: string): string {
  return `ui/two-factor/${account}.request.json`;
}

export function resultFile(account: string): string {
  return `ui/two-factor/${account}.result.json`;
}

/** Account ids as the config schema allows them (also safe as file names). */
export const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface UiStatus {
  updatedAt: string;
  pid: number;
  accounts: AccountStatus[];
}

export interface TwoFactorRequest {
  id: string;
  /** submit: complete the login with `code`; resend: ask the vendor for a new code. */
  action: 'submit' | 'resend';
  code?: string;
  at: string;
}

export interface TwoFactorResult {
  id: string;
  ok: boolean;
  error?: SerializedError;
  at: string;
}
