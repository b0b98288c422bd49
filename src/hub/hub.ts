import { LockbridgeError, toLockbridgeError } from '../core/errors';
import {
  EventFanout,
  type AccountStatus,
  type LockEvent,
  type LockEventListener,
  type Unsubscribe,
} from '../core/events';
import type { CodeValidation, GenerateOptions, LockSource, SourceHealth } from '../core/lock-source';
import type {
  AccessCode,
  AccessCodeInput,
  Capability,
  CodeOperationResult,
  CodeSetInput,
  CodeSetResult,
  CommandRequest,
  CommandResult,
  Lock,
  LockStatus,
  Share,
  ShareRequest,
  ShareResult,
} from '../core/model';
import { hasCapability } from '../core/model';
import type { Logger } from '../core/logger';
import type { Storage } from '../core/storage';
import { systemClock, type Clock } from '../core/clock';
import { DEFAULT_SEND_MARGIN_MS } from '../core/deadline';
import type { Redactor } from '../core/redact';
import type { VendorAccountConfig } from '../config/types';
import type { DriverFactory, DriverPush } from '../vendors/driver';
import { AccountRuntime } from './account';
import { LockCache } from './reconcile';
import { CommandRunner } from './command-runner';
import type { CodeService, CodeServiceFactory } from './code-service';
import type { AccountOwnership, OwnershipChange } from './ownership';

export interface LockHubOptions {
  accounts: VendorAccountConfig[];
  drivers: Partial<Record<string, DriverFactory>>;
  storage: Storage;
  logger: Logger;
  clock?: Clock;
  /** Base poll interval (default 60 s); push-capable accounts still poll, as a safety net. */
  pollIntervalMs?: number;
  /** Ceiling of the poll backoff when a vendor rate-limits or fails (default 15 min). */
  maxPollIntervalMs?: number;
  commandTimeoutMs?: number;
  /** Default expiry of a command that carries none (default 60 s). */
  commandExpiryMs?: number;
  /** A request is not written with less than this left before its command's deadline (default 250). */
  commandSendMarginMs?: number;
  readbackDelaysMs?: number[];
  codeConfirmTimeoutMs?: number;
  codeService?: CodeServiceFactory;
  /** Receives every account secret, e.g. the process-wide redactor of the surface's logger. */
  secretSink?: Redactor;
  /**
   * Cluster mode (src/cluster): the hub runs only the accounts this process holds a lease on, starts
   * one when it is gained, stops it at once when it is lost, and checks the lease right before every
   * vendor call that acts. Absent: every account, always.
   */
  ownership?: AccountOwnership;
}

const SHARE_CAPABILITY: Record<ShareRequest['kind'], Capability> = {
  duplicate: 'duplicate',
  delete_duplicate: 'duplicate',
  key: 'keys',
  revoke_key: 'keys',
  mobile_key: 'mobile_keys',
  revoke_mobile_key: 'mobile_keys',
  lock_user: 'lock_users',
  remove_lock_user: 'lock_users',
};

/**
 * The in-process LockSource: accounts -> vendor drivers, discovery of added and removed locks, a state
 * cache, a scheduler that prefers push and polls with one batched list call per account, a per-lock
 * command queue with confirmation, and a clean stop that leaves no timer or socket behind.
 */
export class LockHub implements LockSource {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly cache = new LockCache();
  private readonly events: EventFanout<LockEvent>;
  private readonly accountsById = new Map<string, AccountRuntime>();
  private readonly commands: CommandRunner;
  private readonly codePushListeners = new EventFanout<{ lockId: string; code: AccessCode }>();
  private readonly pushWaiters = new Set<{
    lockId: string;
    predicate: (l: Lock) => boolean;
    resolve: (l: Lock) => void;
  }>();
  private codes?: CodeService;
  private unsubscribeOwnership?: () => void;
  /** Cluster mode: runtimes whose driver was stopped when their lease went (stop() skips them). */
  private readonly retired = new WeakSet<AccountRuntime>();
  /** Cluster mode: locks whose account went to another daemon (a command for one is not_ready). */
  private readonly handedOver = new Set<string>();
  /** Cluster mode: runtimes whose journaled code operations were resumed after their gain. */
  private readonly codesResumed = new WeakSet<AccountRuntime>();
  private started = false;
  private stopping = false;
  private readonly basePollMs: number;
  private readonly maxPollMs: number;
  /** Poll cycles and vendor list calls, for tests and benchmarks. */
  readonly stats = { pollCycles: 0, listCalls: 0 };

  constructor(private readonly options: LockHubOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.basePollMs = options.pollIntervalMs ?? 60_000;
    this.maxPollMs = options.maxPollIntervalMs ?? 15 * 60_000;
    this.events = new EventFanout<LockEvent>((err) =>
      this.logger.error(`A lock event listener failed: ${toLockbridgeError(err).message}`),
    );
    for (const config of options.accounts) {
      const factory = options.drivers[config.vendor];
      if (!factory)
        throw new LockbridgeError(
          'invalid_config',
          `No driver for vendor "${config.vendor}" (account ${config.id})`,
        );
      if (this.accountsById.has(config.id))
        throw new LockbridgeError('invalid_config', `Account id "${config.id}" is used twice`);
      this.accountsById.set(config.id, this.newAccount(config, factory));
    }
    this.commands = new CommandRunner({
      clock: this.clock,
      logger: this.logger,
      timeoutMs: options.commandTimeoutMs ?? 30_000,
      expiryMs: options.commandExpiryMs ?? 60_000,
      sendMarginMs: options.commandSendMarginMs,
      readbackDelaysMs: options.readbackDelaysMs ?? [500, 1000, 2000, 3000, 5000, 8000, 10_000],
      getLock: (id) => this.lockOrThrow(id),
      driverFor: (id) => {
        const { account, lock } = this.accountOf(id);
        // Cluster mode: refused `not_ready` unless the lease holds, checked again right before the
        // request is written (the deadline's fence, with the send margin).
        const ownership = this.options.ownership;
        ownership?.check(account.id, this.sendMarginMs);
        return {
          driver: account.driver,
          vendorLockId: lock.vendorLockId,
          ready: account.state === 'connected',
          fence: ownership ? () => ownership.check(account.id, this.sendMarginMs) : undefined,
        };
      },
      applyStatus: (id, patch) => this.applyStatus(id, patch),
      readingStart: () => this.cache.readingStart(),
      applyReading: (id, patch, since) => this.applyStatus(id, patch, since),
      commandRunning: (id, running) => this.cache.commandRunning(id, running),
      waitForPush: (id, predicate, signal) => this.waitForPush(id, predicate, signal),
    });
  }

  private get sendMarginMs(): number {
    return this.options.commandSendMarginMs ?? DEFAULT_SEND_MARGIN_MS;
  }

  private newAccount(config: VendorAccountConfig, factory: DriverFactory): AccountRuntime {
    const account = new AccountRuntime(config, factory, {
      storage: this.options.storage,
      logger: this.logger,
      clock: this.clock,
      basePollMs: this.basePollMs,
      secretSink: this.options.secretSink,
    });
    account.budget.onSuccess(() => this.onAccountSuccess(account));
    if (this.options.ownership) account.state = 'stopped';
    return account;
  }

  /** Whether this runtime is the account's current one and may act (cluster: its lease holds). */
  private acting(account: AccountRuntime): boolean {
    if (this.stopping || this.accountsById.get(account.id) !== account) return false;
    const ownership = this.options.ownership;
    return !ownership || (account.state !== 'stopped' && ownership.tokenOf(account.id) !== undefined);
  }

  // ---- lifecycle -----------------------------------------------------------------------------------

  /** Starts every account. Resolves once each has connected or failed; a failed account retries alone. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.codeService) {
      this.codes = this.options.codeService({
        getLock: (id) => this.lockOrThrow(id),
        driverFor: (id) => {
          const { account, lock } = this.accountOf(id);
          this.options.ownership?.check(account.id, this.sendMarginMs);
          return { driver: account.driver, vendorLockId: lock.vendorLockId };
        },
        subscribeCodePush: (listener) => this.codePushListeners.subscribe((e) => listener(e.lockId, e.code)),
        storage: this.options.storage,
        clock: this.clock,
        logger: this.logger.child('codes'),
        emit: (event) => this.events.emit(event),
        confirmTimeoutMs: this.options.codeConfirmTimeoutMs ?? 60_000,
      });
    }
    const ownership = this.options.ownership;
    if (ownership) {
      this.unsubscribeOwnership = ownership.subscribe((change) => this.onOwnership(change));
      const held = [...this.accountsById.values()].filter((a) => ownership.tokenOf(a.id) !== undefined);
      if (this.codes) await this.codes.start();
      await Promise.all(held.map((a) => this.gain(a.id)));
      return;
    }
    await Promise.all([...this.accountsById.values()].map((a) => this.startAccount(a)));
    if (this.codes) await this.codes.start();
  }

  // ---- cluster mode: accounts gained and lost ------------------------------------------------------

  private onOwnership(change: OwnershipChange): void {
    if (this.stopping) return;
    if (change.held) void this.gain(change.account);
    else this.lose(change.account);
  }

  /** Starts an account this process now holds, then resumes its pending code operations. */
  private async gain(accountId: string): Promise<void> {
    const current = this.accountsById.get(accountId);
    if (!current || current.state !== 'stopped') return;
    const factory = this.options.drivers[current.config.vendor]!;
    // A fresh runtime (driver, budget, timers): the one that ran before was stopped with its lease.
    const account = this.newAccount(current.config, factory);
    account.state = 'connecting';
    this.accountsById.set(accountId, account);
    await this.startAccount(account);
  }

  /**
   * Cluster mode: once an account gained here is connected (its locks listed), its journaled code
   * operations are resumed, once per gain (a gain whose first login fails resumes on the retry).
   */
  private resumeCodesOnce(account: AccountRuntime): void {
    if (!this.options.ownership || this.codesResumed.has(account) || !this.acting(account)) return;
    this.codesResumed.add(account);
    void this.codes
      ?.resumeAccount?.(account.id)
      .catch((err: unknown) =>
        this.logger.error(
          `${account.id}: resuming code operations failed: ${toLockbridgeError(err).message}`,
        ),
      );
  }

  /**
   * The lease is gone: stop at once (synchronously, before the lease could have run out elsewhere): no
   * poll, no push, no code follow-up, no command; its locks leave this hub as a handover, so the MQTT
   * bridge stops publishing them without clearing what the new owner publishes.
   */
  private lose(accountId: string): void {
    const account = this.accountsById.get(accountId);
    if (!account || account.state === 'stopped') return;
    account.clearTimers();
    account.unsubscribePush?.();
    account.unsubscribePush = undefined;
    account.state = 'stopped';
    this.codes?.releaseAccount?.(accountId);
    for (const lock of this.cache.ofAccount(accountId)) {
      this.handedOver.add(lock.id);
      this.events.emit({ type: 'lock_removed', lockId: lock.id, lock, handover: true });
    }
    this.cache.removeAccount(accountId);
    account.lockCount = 0;
    this.emitAccount(account);
    this.retired.add(account);
    void account.driver
      .stop()
      .catch((err) => this.logger.warn(`Stopping ${accountId} failed: ${toLockbridgeError(err).message}`));
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribeOwnership?.();
    await this.commands.close();
    for (const account of this.accountsById.values()) {
      account.clearTimers();
      account.unsubscribePush?.();
      account.state = 'stopped';
    }
    for (const waiter of this.pushWaiters) this.pushWaiters.delete(waiter);
    if (this.codes) await this.codes.stop();
    await Promise.all(
      [...this.accountsById.values()]
        .filter((a) => !this.retired.has(a))
        .map((a) =>
          a.driver
            .stop()
            .catch((err) => this.logger.warn(`Stopping ${a.id} failed: ${toLockbridgeError(err).message}`)),
        ),
    );
    this.events.clear();
  }

  private async startAccount(account: AccountRuntime): Promise<void> {
    if (!this.acting(account)) return;
    account.state = 'connecting';
    this.emitAccount(account);
    try {
      await account.driver.start();
      if (!this.acting(account)) return;
      account.unsubscribePush?.();
      account.unsubscribePush = account.driver.onPush?.((push) => this.onPush(account, push));
      account.state = 'connected';
      account.error = undefined;
      account.failures = 0;
      await this.poll(account);
      this.logger.info(
        `${account.config.vendor} account "${account.id}" connected: ${account.lockCount} lock(s)`,
      );
    } catch (err) {
      const e = account.setError(err);
      this.emitAccount(account);
      if (e.code === 'two_factor_required') {
        this.logger.warn(`${account.config.vendor} account "${account.id}" needs a two-factor code`);
        return; // waits for submitTwoFactorCode
      }
      account.failures++;
      // A refused login backs off (repeated logins can lock an account); an unreachable vendor is
      // tried again at least once per poll interval, so the account is back soon after the vendor.
      const backoff = 5000 * 2 ** Math.min(account.failures - 1, 8);
      const delay = Math.min(
        e.code === 'auth_failed' ? this.maxPollMs : this.baseIntervalOf(account),
        backoff,
      );
      this.logger.error(
        `${account.config.vendor} account "${account.id}" failed to start (${e.code}): ${e.message}; retrying in ${Math.round(delay / 1000)} s`,
      );
      if (this.acting(account)) account.retryTimer = setTimeout(() => void this.startAccount(account), delay);
    }
  }

  private emitAccount(account: AccountRuntime): void {
    this.events.emit({ type: 'account', status: account.status() });
  }

  // ---- polling and push ----------------------------------------------------------------------------

  /** One poll cycle of one account: one batched list call, then reconcile. */
  async poll(account: AccountRuntime): Promise<void> {
    if (account.pollTimer) clearTimeout(account.pollTimer);
    account.pollTimer = undefined;
    if (!this.acting(account)) return;
    this.stats.pollCycles++;
    try {
      this.stats.listCalls++;
      // Noted before asking: a lock that changes while the listing is under way keeps its change.
      const since = this.cache.readingStart();
      const listed = await account.driver.listLocks();
      if (!this.acting(account)) return;
      const events = this.cache.reconcile(
        account.id,
        account.config.vendor,
        listed,
        this.clock.now(),
        (id) =>
          this.logger.warn(`Lock ${id} is reachable through several accounts; "${account.id}" ignores it`),
        since,
      );
      account.lockCount = this.cache.ofAccount(account.id).length;
      const wasError = account.state !== 'connected';
      account.state = 'connected';
      this.resumeCodesOnce(account);
      account.error = undefined;
      account.pollIntervalMs = this.baseIntervalOf(account);
      for (const e of events) {
        if (e.type === 'lock_added') this.handedOver.delete(e.lock.id);
        this.emit(e);
      }
      if (wasError || events.some((e) => e.type !== 'state')) this.emitAccount(account);
    } catch (err) {
      const e = toLockbridgeError(err, 'vendor_error');
      if (!this.acting(account)) return;
      if (e.code === 'rate_limited') {
        account.pollIntervalMs = Math.min(
          this.maxPollMs,
          Math.max(account.pollIntervalMs * 2, e.retryAfterMs ?? 0),
        );
        this.logger.warn(
          `${account.id}: rate limited; polling every ${Math.round(account.pollIntervalMs / 1000)} s`,
        );
      } else {
        // An outage is no reason to look less often: one list call per interval is cheap, and it
        // is what notices the recovery, within one base interval however long the outage lasted.
        account.pollIntervalMs = this.baseIntervalOf(account);
        account.setError(e);
        this.logger.warn(`${account.id}: poll failed (${e.code}): ${e.message}`);
        for (const ev of this.cache.markAccountOffline(account.id, this.clock.now())) this.emit(ev);
        this.emitAccount(account);
        if (e.code === 'auth_failed' || e.code === 'two_factor_required') {
          // The session is gone: log in again rather than polling with a dead token.
          if (e.code === 'auth_failed' && !this.stopping)
            account.retryTimer = setTimeout(() => void this.startAccount(account), 5000);
          return;
        }
      }
    }
    this.schedulePoll(account);
  }

  private baseIntervalOf(account: AccountRuntime): number {
    return (account.config.pollIntervalSeconds ?? 0) * 1000 || this.basePollMs;
  }

  private schedulePoll(account: AccountRuntime): void {
    if (!this.acting(account)) return;
    if (account.pollTimer) clearTimeout(account.pollTimer);
    account.nextPollAt = Date.now() + account.pollIntervalMs;
    account.pollTimer = setTimeout(() => void this.poll(account), account.pollIntervalMs);
  }

  /**
   * Any call of the account succeeded (a command, a code, a read): the vendor answers again, so a
   * rate-limit backoff ends and the next poll comes within the base interval.
   */
  private onAccountSuccess(account: AccountRuntime): void {
    const base = this.baseIntervalOf(account);
    if (account.pollIntervalMs <= base) return;
    account.pollIntervalMs = base;
    if (account.pollTimer && (account.nextPollAt ?? 0) > Date.now() + base) this.schedulePoll(account);
  }

  /** The account's current poll interval (tests and the CLI read it). */
  pollIntervalOf(accountId: string): number {
    return this.account(accountId).pollIntervalMs;
  }

  /** Polls every account now (the CLI's refresh, tests, benchmarks). */
  async refresh(): Promise<void> {
    await Promise.all(
      [...this.accountsById.values()]
        .filter((a) => a.state === 'connected' || a.state === 'error')
        .map((a) => this.poll(a)),
    );
  }

  private onPush(account: AccountRuntime, push: DriverPush): void {
    if (!this.acting(account)) return;
    if (push.type === 'locks_changed') {
      void this.poll(account);
      return;
    }
    const id = this.idOf(account, push.vendorLockId);
    if (!id) return;
    if (push.type === 'status') this.applyStatus(id, push.status);
    else if (push.type === 'activity') {
      this.applyStatus(id, { lastAction: push.action });
      this.emit({ type: 'activity', lockId: id, action: push.action });
    } else if (push.type === 'code') {
      this.codePushListeners.emit({ lockId: id, code: { ...push.code, lockId: id } });
    }
  }

  private idOf(account: AccountRuntime, vendorLockId: string): string | undefined {
    return this.cache.idOf(account.id, vendorLockId);
  }

  /** A change (command, push), or with `since` a reading that started then (see LockCache). */
  private applyStatus(id: string, patch: Partial<LockStatus>, since?: number): Lock {
    const event = this.cache.update(id, patch, this.clock.now(), since);
    if (event) this.emit(event);
    return this.lockOrThrow(id);
  }

  private emit(event: LockEvent): void {
    this.events.emit(event);
    if (event.type === 'state') {
      for (const waiter of [...this.pushWaiters]) {
        if (waiter.lockId === event.lock.id && waiter.predicate(event.lock)) {
          this.pushWaiters.delete(waiter);
          waiter.resolve(event.lock);
        }
      }
    }
  }

  private waitForPush(
    lockId: string,
    predicate: (lock: Lock) => boolean,
    signal: AbortSignal,
  ): Promise<Lock> {
    return new Promise((resolve, reject) => {
      const waiter = { lockId, predicate, resolve };
      this.pushWaiters.add(waiter);
      signal.addEventListener(
        'abort',
        () => {
          this.pushWaiters.delete(waiter);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  // ---- LockSource ----------------------------------------------------------------------------------

  accounts(): AccountStatus[] {
    return [...this.accountsById.values()].map((a) => a.status());
  }

  health(): SourceHealth {
    return {
      accounts: [...this.accountsById.values()].map((a) => ({
        account: a.config.id,
        vendor: a.config.vendor,
        vendorCalls: a.budget.taken,
        vendorErrors: a.budget.failed,
        waitingCalls: a.budget.pending,
      })),
      commandsQueued: this.commands.queued(),
    };
  }

  private account(id: string): AccountRuntime {
    const account = this.accountsById.get(id);
    if (!account) throw new LockbridgeError('not_found', `Unknown account "${id}"`);
    return account;
  }

  async requestTwoFactorCode(accountId: string): Promise<void> {
    const account = this.account(accountId);
    if (!account.driver.requestTwoFactorCode)
      throw new LockbridgeError('not_supported', `${account.config.vendor} has no two-factor login`);
    await account.driver.requestTwoFactorCode();
  }

  async submitTwoFactorCode(accountId: string, code: string): Promise<void> {
    const account = this.account(accountId);
    if (!account.driver.submitTwoFactorCode)
      throw new LockbridgeError('not_supported', `${account.config.vendor} has no two-factor login`);
    if (typeof code !== 'string' || !/^\d{4,8}$/.test(code.trim()))
      throw new LockbridgeError('invalid_input', 'The two-factor code must be 4 to 8 digits');
    await account.driver.submitTwoFactorCode(code.trim());
    account.clearTimers();
    await this.startAccount(account);
    if (account.state !== 'connected')
      throw account.error ?? new LockbridgeError('auth_failed', 'Login did not complete');
  }

  async listLocks(): Promise<Lock[]> {
    return this.cache.all();
  }

  async getLock(lockId: string): Promise<Lock> {
    return this.lockOrThrow(lockId);
  }

  /** Whether the lock is served by this hub now (cluster mode: its account is held and listed here). */
  hasLock(lockId: string): boolean {
    return this.cache.get(lockId) !== undefined;
  }

  private lockOrThrow(lockId: unknown): Lock {
    const lock = typeof lockId === 'string' ? this.cache.get(lockId) : undefined;
    if (!lock && typeof lockId === 'string' && this.handedOver.has(lockId))
      throw new LockbridgeError(
        'not_ready',
        'The account of this lock went to another daemon of the cluster; nothing was sent here',
        { lockId },
      );
    if (!lock) throw new LockbridgeError('not_found', `Unknown lock "${String(lockId).slice(0, 80)}"`);
    return lock;
  }

  private accountOf(lockId: string): { account: AccountRuntime; lock: Lock } {
    const lock = this.lockOrThrow(lockId);
    return { account: this.account(lock.account), lock };
  }

  command(request: CommandRequest): Promise<CommandResult> {
    if (this.stopping)
      return Promise.reject(new LockbridgeError('shutting_down', 'Lockbridge is shutting down'));
    return this.commands.run(request);
  }

  private codeService(lockId?: string): CodeService {
    if (lockId !== undefined) {
      const lock = this.lockOrThrow(lockId);
      if (!hasCapability(lock, 'access_codes')) {
        throw new LockbridgeError('not_supported', `${lock.name} does not manage access codes`, { lockId });
      }
    }
    if (!this.codes) throw new LockbridgeError('not_supported', 'Access codes are not enabled in this hub');
    return this.codes;
  }

  async listCodes(lockId: string): Promise<AccessCode[]> {
    return this.codeService(lockId).list(lockId);
  }
  async createCode(lockId: string, input: AccessCodeInput): Promise<CodeOperationResult> {
    return this.codeService(lockId).create(lockId, input);
  }
  async updateCode(
    lockId: string,
    codeId: string,
    input: Partial<AccessCodeInput>,
  ): Promise<CodeOperationResult> {
    return this.codeService(lockId).update(lockId, codeId, input);
  }
  async deleteCode(lockId: string, codeId: string): Promise<CodeOperationResult> {
    return this.codeService(lockId).delete(lockId, codeId);
  }
  async generateCode(lockId: string, options?: GenerateOptions): Promise<string> {
    return this.codeService(lockId).generate(lockId, options);
  }
  async validateCode(lockId: string, input: AccessCodeInput): Promise<CodeValidation> {
    return this.codeService(lockId).validate(lockId, input);
  }
  async createCodeSet(input: CodeSetInput): Promise<CodeSetResult> {
    return this.codeService().createSet(input);
  }

  async share(request: ShareRequest): Promise<ShareResult> {
    if (!request || typeof request !== 'object' || !(request.kind in SHARE_CAPABILITY)) {
      throw new LockbridgeError(
        'invalid_input',
        `Unknown share kind; use one of ${Object.keys(SHARE_CAPABILITY).join(', ')}`,
      );
    }
    const { account, lock } = this.accountOf(request.lockId);
    const needed = SHARE_CAPABILITY[request.kind];
    if (!hasCapability(lock, needed) || !account.driver.shares) {
      throw new LockbridgeError(
        'not_supported',
        `${lock.name} does not support ${request.kind.replace(/_/g, ' ')}`,
        {
          lockId: lock.id,
          vendor: lock.vendor,
        },
      );
    }
    const result = await account.driver.shares.share(lock.vendorLockId, request);
    if (request.kind === 'duplicate' || request.kind === 'delete_duplicate') void this.poll(account);
    return { ...result, lockId: lock.id };
  }

  async listShares(lockId: string): Promise<Share[]> {
    const { account, lock } = this.accountOf(lockId);
    if (!account.driver.shares)
      throw new LockbridgeError('not_supported', `${lock.name} has nothing to share`, { lockId });
    const shares = await account.driver.shares.list(lock.vendorLockId);
    return shares.map((s) => ({ ...s, lockId: lock.id }));
  }

  subscribe(listener: LockEventListener): Unsubscribe {
    return this.events.subscribe(listener);
  }
}
