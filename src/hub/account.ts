import type { AccountStatus } from '../core/events';
import type { LockbridgeError } from '../core/errors';
import { toLockbridgeError } from '../core/errors';
import type { Logger } from '../core/logger';
import { Redactor } from '../core/redact';
import { ScopedStorage, type Storage } from '../core/storage';
import type { Clock } from '../core/clock';
import { RequestBudget } from '../http/budget';
import type { VendorAccountConfig } from '../config/types';
import type { DriverFactory, VendorDriver } from '../vendors/driver';

/** Fields of an account config that are secrets, registered with its redactor. */
const SECRET_FIELDS = ['password', 'apiKey', 'clientSecret', 'jwt', 'unlockCode'] as const;

export const DEFAULT_BUDGET = { capacity: 20, refillPerSecond: 5 };

/** One configured account at runtime: its driver, its budget, its connection state. */
export class AccountRuntime {
  readonly driver: VendorDriver;
  readonly budget: RequestBudget;
  readonly redactor = new Redactor();
  state: AccountStatus['state'] = 'connecting';
  error?: LockbridgeError;
  lockCount = 0;
  /** Current poll interval: longer only while the vendor rate-limits us; back to base on any success. */
  pollIntervalMs: number;
  pollTimer?: NodeJS.Timeout;
  /** When pollTimer fires (epoch ms, real time like the timer). */
  nextPollAt?: number;
  retryTimer?: NodeJS.Timeout;
  unsubscribePush?: () => void;
  /** Consecutive failures of start() or polls, for backoff. */
  failures = 0;

  constructor(
    readonly config: VendorAccountConfig,
    factory: DriverFactory,
    options: { storage: Storage; logger: Logger; clock: Clock; basePollMs: number; secretSink?: Redactor },
  ) {
    for (const field of SECRET_FIELDS) {
      const value = (config as unknown as Record<string, unknown>)[field];
      if (typeof value === 'string') {
        this.redactor.addSecret(value);
        options.secretSink?.addSecret(value);
      }
    }
    this.budget = new RequestBudget(config.budget ?? DEFAULT_BUDGET, () => options.clock.now());
    this.pollIntervalMs = (config.pollIntervalSeconds ?? 0) * 1000 || options.basePollMs;
    this.driver = factory(config, {
      logger: options.logger.child(`${config.vendor}:${config.id}`),
      storage: new ScopedStorage(options.storage, `accounts/${config.id}`),
      redactor: this.redactor,
      budget: this.budget,
      clock: options.clock,
    });
  }

  get id(): string {
    return this.config.id;
  }

  status(): AccountStatus {
    return {
      account: this.config.id,
      vendor: this.config.vendor,
      state: this.state,
      error: this.error?.toJSON(),
      lockCount: this.lockCount,
    };
  }

  setError(err: unknown): LockbridgeError {
    const e = toLockbridgeError(err, 'vendor_error');
    this.error = e;
    this.state = e.code === 'two_factor_required' ? 'two_factor_required' : 'error';
    return e;
  }

  clearTimers(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = undefined;
    this.retryTimer = undefined;
  }
}
