import { toLockbridgeError } from '../../src/core/errors';
import type { LockSource } from '../../src/core/lock-source';
import type { Logger } from '../../src/core/logger';
import { readJson, writeJson, type Storage } from '../../src/core/storage';
import {
  ACCOUNT_ID,
  STATUS_FILE,
  requestFile,
  resultFile,
  type TwoFactorRequest,
  type TwoFactorResult,
  type UiStatus,
} from './mailbox';

/**
 * The platform's side of the two-factor mailbox: publishes account statuses for the settings UI and,
 * while an account waits for a code, looks for the UI's requests and passes them to the LockSource, so
 * August's login completes without editing config.json or restarting Homebridge.
 */
export class TwoFactorRelay {
  private timer?: NodeJS.Timeout;
  private checking = false;
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly source: LockSource,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  /** Writes the statuses and starts or stops watching for requests; call on every account event. */
  sync(): void {
    if (this.stopped) return;
    const accounts = this.source.accounts();
    const status: UiStatus = { updatedAt: new Date().toISOString(), pid: process.pid, accounts };
    this.writes = this.writes
      .then(() => writeJson(this.storage, STATUS_FILE, status))
      .catch((err) =>
        this.log.warn(`Could not write the settings UI status: ${toLockbridgeError(err).message}`),
      );
    const waiting = accounts.some((a) => a.state === 'two_factor_required');
    if (waiting && !this.timer) {
      this.timer = setInterval(() => void this.check(), this.intervalMs);
      this.timer.unref();
    } else if (!waiting && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Handles pending requests once (the timer calls it; tests may too). */
  async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      for (const account of this.source.accounts()) {
        if (account.state !== 'two_factor_required' || !ACCOUNT_ID.test(account.account)) continue;
        await this.handle(account.account);
      }
    } catch (err) {
      this.log.warn(`Two-factor relay: ${toLockbridgeError(err).message}`);
    } finally {
      this.checking = false;
    }
  }

  private async handle(account: string): Promise<void> {
    const request = await readJson<TwoFactorRequest>(this.storage, requestFile(account));
    if (!request) return;
    await this.storage.delete(requestFile(account));
    if (typeof request.id !== 'string') return;
    const result: TwoFactorResult = { id: request.id, ok: true, at: new Date().toISOString() };
    try {
      if (request.action === 'resend') {
        await this.source.requestTwoFactorCode(account);
        this.log.info(`Account "${account}": a new two-factor code was requested`);
      } else {
        await this.source.submitTwoFactorCode(account, String(request.code ?? ''));
        this.log.info(`Account "${account}": two-factor login completed`);
      }
    } catch (err) {
      const e = toLockbridgeError(err);
      this.log.warn(`Account "${account}": two-factor step failed (${e.code}): ${e.message}`);
      result.ok = false;
      result.error = e.toJSON();
    }
    await writeJson(this.storage, resultFile(account), result);
    this.sync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.writes;
  }
}
