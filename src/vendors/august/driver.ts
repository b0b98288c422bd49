import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import { EventFanout, type Unsubscribe } from '../../core/events';
import { sleep } from '../../core/clock';
import type { LastAction, LockCommand, LockStatus } from '../../core/model';
import type { AccountConfig, AugustAccountConfig } from '../../config/types';
import type { RetryPolicy } from '../../http/retry';
import type {
  CommandOptions,
  DriverCommandOutcome,
  DriverContext,
  DriverLock,
  DriverPush,
  VendorDriver,
} from '../driver';
import { BRANDS, type BrandConfig } from './brands';
import { AugustActivityFeed } from './activity-feed';
import { AugustClient } from './client';
import { AugustCodes } from './codes';
import { describeError, liveEndpointFor, type AugustLiveChannel, type LiveCallbacks } from './live';
import { PushResyncSchedule } from './push-manager';
import { mapLockDetail, mapPushMessage, mapRemoteOperateResult } from './mapping';
import type { RemoteCommand } from './paths';
import { AugustSession } from './session';
import type { AugustCapabilities, AugustLockDetail, AugustPushMessage } from './types';
import { beforeDeadline, type CommandDeadline } from '../../core/deadline';
import { AugustUsers } from './users';

/** Knobs with production defaults; tests shorten the waits. */
export interface AugustTuning {
  retry?: RetryPolicy;
  requestTimeoutMs: number;
  /** Remote operate can take up to 90 s upstream (3 tries of 30 s); the hub's signal ends it sooner. */
  commandTimeoutMs: number;
  /** 423 (lock busy) means the bridge did nothing: the command is sent again this many times. */
  busyRetries: number;
  busyRetryDelayMs: number;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  pinPollMs: number;
  pinWaitMs: number;
  /** While live updates are up, the locks are re-read from the API this often (config resyncMinutes). */
  resyncMs: number;
  refreshMarginMs: number;
  listConcurrency: number;
  /** After a push, the activity feed is read this much later (yalexs UPDATE_SOON) ... */
  activityDelayMs: number;
  /** ... and once more this much after that (yalexs ACTIVITY_DEBOUNCE_COOLDOWN). */
  activityCooldownMs: number;
}

export const DEFAULT_TUNING: AugustTuning = {
  requestTimeoutMs: 15_000,
  commandTimeoutMs: 95_000,
  busyRetries: 2,
  busyRetryDelayMs: 2_500,
  reconnectDelayMs: 1_000,
  maxReconnectDelayMs: 60_000,
  pinPollMs: 2_000,
  pinWaitMs: 60_000,
  resyncMs: 30 * 60_000,
  refreshMarginMs: 7 * 24 * 3600_000,
  listConcurrency: 4,
  activityDelayMs: 3_000,
  activityCooldownMs: 4_000,
};

const VENDOR_COMMANDS: Record<LockCommand, RemoteCommand> = {
  LOCK: 'lock',
  UNLOCK: 'unlock',
  OPEN: 'unlatch',
  STATUS: 'status',
};

interface CachedLock {
  detail: AugustLockDetail;
  lock: DriverLock;
  fetchedAt: number;
}

/**
 * One August/Yale account: login with two-factor, locks and their state, remote operate with
 * authoritative results, PINs, lock users, and live updates with polling as the fallback.
 */
export class AugustDriver implements VendorDriver {
  readonly vendor = 'august';
  readonly account: string;
  readonly client: AugustClient;
  readonly session: AugustSession;
  readonly codes: AugustCodes;
  readonly shares: AugustUsers;
  private readonly brand: BrandConfig;
  private readonly tuning: AugustTuning;
  private readonly pushes: EventFanout<DriverPush>;
  private readonly cache = new Map<string, CachedLock>();
  private readonly capabilities = new Map<string, AugustCapabilities | null>();
  /** House of each listed lock (GET /users/locks/mine), for the activity feed. */
  private readonly houses = new Map<string, string>();
  readonly activity: AugustActivityFeed;
  private live?: AugustLiveChannel;
  private readonly resync: PushResyncSchedule;
  /** Vendor ids in the order of the last full listing (the cache answers in the same order). */
  private listedIds: string[] = [];
  private stopped = false;

  constructor(
    private readonly config: AugustAccountConfig,
    private readonly context: DriverContext,
    tuning: Partial<AugustTuning> = {},
  ) {
    this.account = config.id;
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    if (config.resyncMinutes !== undefined) this.tuning.resyncMs = config.resyncMinutes * 60_000;
    this.resync = new PushResyncSchedule(this.tuning.resyncMs);
    this.brand = BRANDS[config.brand];
    if (!this.brand)
      throw new LockbridgeError('invalid_config', `Unknown August brand "${String(config.brand)}"`);
    const apiKey = config.apiKey ?? this.brand.defaultApiKey;
    if (!apiKey)
      throw new LockbridgeError(
        'invalid_config',
        `Account ${config.id}: apiKey (the ${this.brand.displayName} app key) is required`,
      );
    checkLoginConfig(config, this.brand);
    context.redactor.addSecret(config.password);
    context.redactor.addSecret(config.accessToken);
    context.redactor.addSecret(apiKey);
    this.pushes = new EventFanout<DriverPush>((err) =>
      context.logger.warn(`August push listener failed: ${err instanceof Error ? err.name : 'error'}`),
    );
    this.client = new AugustClient({
      brand: this.brand,
      baseUrl: config.baseUrl ?? this.brand.baseUrl,
      apiKey,
      budget: context.budget,
      redactor: context.redactor,
      logger: context.logger,
      retry: this.tuning.retry,
      timeoutMs: this.tuning.requestTimeoutMs,
      onToken: (token) => {
        this.session.onToken(token).catch(() => context.logger.warn('August token could not be saved'));
      },
    });
    this.session = new AugustSession({
      client: this.client,
      storage: context.storage,
      logger: context.logger,
      clock: context.clock,
      identifier: config.identifier,
      password: config.password,
      accessToken: config.accessToken,
      installId: config.installId,
      refreshMarginMs: this.tuning.refreshMarginMs,
    });
    const authed = <T>(fn: () => Promise<T>) => this.authed(fn);
    this.codes = new AugustCodes({
      client: this.client,
      authed,
      pinPollMs: this.tuning.pinPollMs,
      pinWaitMs: this.tuning.pinWaitMs,
    });
    this.shares = new AugustUsers({ client: this.client, authed });
    this.activity = new AugustActivityFeed({
      client: this.client,
      authed,
      logger: context.logger,
      knows: (id) => this.houses.has(id),
      onActivity: (id, action) => {
        this.patchStatus(id, { lastAction: action });
        this.pushes.emit({ type: 'activity', vendorLockId: id, action });
      },
      delayMs: this.tuning.activityDelayMs,
      cooldownMs: this.tuning.activityCooldownMs,
    });
  }

  // -- lifecycle -----------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.stopped = false;
    this.activity.start();
    await this.session.start();
    await this.openLive();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.activity.stop();
    const live = this.live;
    this.live = undefined;
    await live?.stop();
  }

  async requestTwoFactorCode(): Promise<void> {
    await this.session.requestCode();
  }

  /** Completes a login that stopped at two_factor_required, without a restart. */
  async submitTwoFactorCode(code: string): Promise<void> {
    await this.session.submitCode(code);
    await this.openLive();
  }

  get liveConnected(): boolean {
    return this.live?.connected ?? false;
  }

  /** Live updates are on unless the account turns them off. */
  private get liveEnabled(): boolean {
    return this.config.liveUpdates !== false;
  }

  private async openLive(): Promise<void> {
    if (!this.liveEnabled || this.live || this.stopped) return;
    const endpoint = liveEndpointFor(this.brand, this.client.http.baseURL, this.config.liveUpdatesUrl);
    if (!endpoint) {
      this.context.logger.warn(`${this.brand.displayName} has no live updates; polling only`);
      return;
    }
    const callbacks: LiveCallbacks = {
      onMessage: (message) => this.onLiveMessage(message),
      onConnected: (connected, resumed) => {
        // Back after a drop: pushes may have been missed, so the next listing asks the API.
        if (connected && resumed) {
          this.resync.requestResync();
          this.pushes.emit({ type: 'locks_changed' });
        }
      },
    };
    const backoff = {
      reconnectDelayMs: this.tuning.reconnectDelayMs,
      maxReconnectDelayMs: this.tuning.maxReconnectDelayMs,
    };
    let live: AugustLiveChannel;
    try {
      // pubnub and socket.io-client are optional dependencies: without them, polling only.
      live =
        endpoint.kind === 'pubnub'
          ? new (await import('./pubnub')).AugustPubNub({
              ...callbacks,
              ...backoff,
              subscribeKey: endpoint.subscribeKey,
              origin: endpoint.origin,
              ssl: endpoint.ssl,
              userId: () => this.session.userId,
              logger: this.context.logger,
            })
          : new (await import('./socketio')).AugustSocketIo({
              ...callbacks,
              ...backoff,
              client: this.client,
              url: endpoint.url,
              logger: this.context.logger,
              refreshAuth: () => this.authed(() => this.session.refresh()),
              authed: (fn) => this.authed(fn),
            });
    } catch (err) {
      this.context.logger.warn(
        `${this.brand.displayName} live updates need the ${endpoint.kind === 'pubnub' ? 'pubnub' : 'socket.io-client'} package, which is not installed (${describeError(err)}); polling only`,
      );
      return;
    }
    if (this.live || this.stopped) return;
    this.live = live;
    live.setLocks(this.lockChannels());
    await live.start();
  }

  private lockChannels(): Array<{ lockId: string; pubsubChannel?: string }> {
    return this.listedIds.map((id) => ({
      lockId: id,
      pubsubChannel: this.cache.get(id)?.detail.pubsubChannel,
    }));
  }

  /**
   * Reads the house activity feed now and announces new lock activities (who, how, when) as
   * 'activity' pushes. Resolves when done; a feed that cannot be read is logged, not thrown.
   */
  refreshActivity(houseId: string): Promise<void> {
    return this.activity.refresh(houseId);
  }

  /**
   * Call after any push about a lock (PubNub, Socket.IO, websocket): the feed is read a moment later,
   * and once more after that, to learn who operated the lock and how (yalexs manager/activity.py).
   */
  activityAfterPush(vendorLockId: string): void {
    const houseId = this.houseOf(vendorLockId);
    if (houseId) this.activity.refreshSoon(houseId);
  }

  /** The house a listed lock belongs to. */
  houseOf(vendorLockId: string): string | undefined {
    return this.houses.get(vendorLockId) ?? this.cache.get(vendorLockId)?.detail.HouseID;
  }

  onPush(listener: (push: DriverPush) => void): Unsubscribe {
    return this.pushes.subscribe(listener);
  }

  /**
   * Runs a call with a fresh token; a 401 means the token was refused before anything ran, so one
   * re-login and one resend are safe even for an unlock. A command's deadline bounds the waits for
   * the refresh and the re-login (which go on for the account's other calls); the resend itself
   * checks it again in the HTTP layer.
   */
  async authed<T>(fn: () => Promise<T>, deadline?: CommandDeadline): Promise<T> {
    await beforeDeadline(this.session.ensureFresh(), deadline);
    try {
      return await fn();
    } catch (err) {
      if (!isLockbridgeError(err) || err.code !== 'auth_failed') throw err;
      this.context.logger.info('August refused the token; logging in again');
      try {
        await beforeDeadline(this.session.relogin(), deadline);
      } catch (loginErr) {
        if (isLockbridgeError(loginErr) && loginErr.code === 'auth_failed')
          throw this.config.accessToken
            ? loginErr
            : new LockbridgeError('auth_failed', 'August login failed: check the identifier and password', {
                vendor: 'august',
              });
        throw loginErr;
      }
      return fn();
    }
  }

  // -- locks ---------------------------------------------------------------------------------------

  /**
   * One GET /users/locks/mine, then GET /locks/{id} per lock: the API has no bulk detail call. While
   * live updates are up, the cache (kept current by pushes) answers with no call at all, except for a
   * slow resync and a resync right after push comes back (see push-manager.ts).
   */
  async listLocks(): Promise<DriverLock[]> {
    const now = this.context.clock.now();
    const pushUp = this.live?.connected ?? false;
    const cached = this.listedIds.map((id) => this.cache.get(id)?.lock);
    if (
      !this.resync.needsFullListing(now, pushUp, this.listedIds.length > 0) &&
      cached.every((l): l is DriverLock => l !== undefined)
    )
      return cached;
    const generation = this.resync.beginFull();
    const mine = await this.authed(() => this.client.getMyLocks());
    const ids = Object.keys(mine ?? {});
    this.houses.clear();
    for (const [id, entry] of Object.entries(mine ?? {}))
      if (entry.HouseID) this.houses.set(id, entry.HouseID);
    // At start, the newest activity of each lock becomes its last action (who, how, when).
    if (!this.activity.isPrimed) await this.activity.prime(this.houses.values());
    const out: Array<DriverLock | undefined> = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        try {
          out[i] = await this.fetchLock(ids[i]);
        } catch (err) {
          // Removed or access revoked between the two calls: skip it; anything else is an error.
          if (isLockbridgeError(err) && (err.code === 'not_found' || err.code === 'forbidden')) continue;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.tuning.listConcurrency, ids.length) }, worker));
    for (const id of [...this.cache.keys()]) if (!ids.includes(id)) this.cache.delete(id);
    const locks = out.filter((l): l is DriverLock => l !== undefined);
    this.listedIds = locks.map((l) => l.vendorLockId);
    this.resync.markFull(now, generation);
    this.live?.setLocks(this.lockChannels());
    return locks;
  }

  async getLock(vendorLockId: string): Promise<DriverLock> {
    return this.fetchLock(vendorLockId);
  }

  private async fetchLock(id: string): Promise<DriverLock> {
    const detail = await this.authed(() => this.client.getLock(id));
    const capabilities = await this.capabilitiesFor(detail);
    const lock = mapLockDetail(detail, {
      manufacturer: this.brand.manufacturer,
      capabilities,
      push: this.liveEnabled,
    });
    lock.status.updatedAt = new Date(this.context.clock.now()).toISOString();
    lock.status.lastAction = newerAction(
      this.cache.get(id)?.lock.status.lastAction,
      this.activity.lastActionOf(id),
    );
    if (detail.HouseID) this.houses.set(id, detail.HouseID);
    this.cache.set(id, { detail, lock, fetchedAt: this.context.clock.now() });
    return lock;
  }

  /**
   * The capabilities answer, asked once per lock: unlatch support (`lock.unlatch`, read before the
   * Type 17 fallback as yalexs lock.py does) and keypad PIN lengths. yalexs's query form:
   * ?serialNumber=<lock id>&topLevelHost=true (api_common.py; manager/data.py "lock_id is the
   * serial_number for locks"). 404/409 mean "none for this device" (yalexs data.py) and are remembered.
   */
  private async capabilitiesFor(detail: AugustLockDetail): Promise<AugustCapabilities | undefined> {
    if (this.capabilities.has(detail.LockID)) return this.capabilities.get(detail.LockID) ?? undefined;
    try {
      const caps = await this.authed(() =>
        this.client.getCapabilities({ serialNumber: detail.LockID, topLevelHost: true }),
      );
      this.capabilities.set(detail.LockID, caps);
      return caps;
    } catch (err) {
      if (
        isLockbridgeError(err) &&
        ['not_found', 'invalid_input', 'not_supported', 'code_conflict'].includes(err.code)
      )
        this.capabilities.set(detail.LockID, null);
      this.context.logger.debug(
        'August capabilities unavailable; using the lock type and default PIN lengths',
      );
      return undefined;
    }
  }

  // -- commands ------------------------------------------------------------------------------------

  async command(
    vendorLockId: string,
    command: LockCommand,
    options: CommandOptions,
  ): Promise<DriverCommandOutcome> {
    const vendorCommand = VENDOR_COMMANDS[command];
    if (!vendorCommand) throw new LockbridgeError('invalid_input', `Unknown command ${String(command)}`);
    const known = this.cache.get(vendorLockId)?.lock ?? (await this.fetchLock(vendorLockId));
    if (command === 'OPEN' && !known.capabilities.includes('open'))
      throw new LockbridgeError('not_supported', 'This lock cannot unlatch', {
        vendor: 'august',
        lockId: vendorLockId,
      });
    // Locking twice or asking status twice is harmless; unlocking twice is not.
    const idempotent = command === 'LOCK' || command === 'STATUS';
    let result;
    for (let attempt = 0; ; attempt++) {
      try {
        result = (
          await this.authed(
            () =>
              this.client.remoteOperate(vendorLockId, vendorCommand, {
                idempotent,
                signal: options.signal,
                deadline: options.deadline,
                requestId: options.requestId,
                timeoutMs: this.tuning.commandTimeoutMs,
              }),
            options.deadline,
          )
        ).result;
        break;
      } catch (err) {
        // 423: another operation holds the lock and nothing ran; sending again is safe.
        if (
          isLockbridgeError(err) &&
          err.code === 'lock_busy' &&
          attempt < this.tuning.busyRetries &&
          !options.signal.aborted
        ) {
          const delay = this.tuning.busyRetryDelayMs * (attempt + 1);
          // A resend that could only go out after the deadline is not waited for.
          if (delay >= options.deadline.sendableMs()) throw options.deadline.error();
          await sleep(delay, options.signal);
          options.deadline.check();
          continue;
        }
        throw err;
      }
    }
    if (!result) return {};
    const op = mapRemoteOperateResult(result);
    if (!op.state) return {};
    const status: Omit<LockStatus, 'updatedAt'> = {
      ...known.status,
      state: op.state,
      door: op.door ?? known.status.door,
      online: true,
      lastAction:
        op.state === 'JAMMED' || op.state === known.status.state
          ? known.status.lastAction
          : { action: op.state, how: 'remote', at: new Date(this.context.clock.now()).toISOString() },
    };
    this.patchStatus(vendorLockId, status);
    if (op.state === 'JAMMED') {
      this.pushes.emit({ type: 'status', vendorLockId, status: { state: 'JAMMED' } });
      throw new LockbridgeError('jammed', 'The lock is jammed', { vendor: 'august', lockId: vendorLockId });
    }
    return { status };
  }

  // -- live updates --------------------------------------------------------------------------------

  private onLiveMessage(message: AugustPushMessage): void {
    const mapped = mapPushMessage(message, new Date(this.context.clock.now()).toISOString());
    const id = mapped.vendorLockId;
    if (!id) return;
    this.activityAfterPush(id);
    if (Object.keys(mapped.status).length > 0) {
      this.patchStatus(id, mapped.status);
      this.pushes.emit({ type: 'status', vendorLockId: id, status: mapped.status });
    }
    if (mapped.activity) {
      // Show the person's name when the lock lists them; never more than a name or an id.
      const user = mapped.activity.who ? this.cache.get(id)?.detail.users?.[mapped.activity.who] : undefined;
      const name = user ? [user.FirstName, user.LastName].filter(Boolean).join(' ').trim() : '';
      if (name) mapped.activity.who = name;
      // The feed may have reported this operation already (with who and how): then it is not news.
      if (!this.activity.pushAnnounces(id, mapped.activity)) return;
      this.patchStatus(id, { lastAction: mapped.activity });
      this.pushes.emit({ type: 'activity', vendorLockId: id, action: mapped.activity });
    }
  }

  private patchStatus(id: string, status: Partial<Omit<LockStatus, 'updatedAt'>>): void {
    const cached = this.cache.get(id);
    if (!cached) return;
    cached.lock = {
      ...cached.lock,
      status: {
        ...cached.lock.status,
        ...status,
        updatedAt: new Date(this.context.clock.now()).toISOString(),
      },
    };
  }
}

/**
 * How this account logs in, checked before anything is sent: a brand whose password login Yale
 * switched off needs an imported access token, and says so here rather than failing later.
 */
function checkLoginConfig(config: AugustAccountConfig, brand: BrandConfig): void {
  if (config.accessToken) return;
  if (!brand.passwordLogin)
    throw new LockbridgeError(
      'invalid_config',
      `Account ${config.id}: ${brand.displayName} accounts cannot log in with a password: Yale switched ` +
        'password login off for them, and its OAuth sign-in is open only to registered partners. ' +
        'Set accessToken to an access token obtained elsewhere, or use a lock with native HomeKit.',
      { vendor: 'august' },
    );
  if (!config.identifier || !config.password)
    throw new LockbridgeError(
      'invalid_config',
      `Account ${config.id}: identifier and password (or an accessToken) are required`,
      { vendor: 'august' },
    );
}

/** The later of two last actions; at the same time, the one that says who. */
function newerAction(a: LastAction | null | undefined, b: LastAction | undefined): LastAction | null {
  if (!a) return b ?? null;
  if (!b) return a;
  const diff = Date.parse(b.at) - Date.parse(a.at);
  return diff > 0 || (diff === 0 && b.who !== undefined) ? b : a;
}

export function createAugustDriver(
  account: AccountConfig,
  context: DriverContext,
  tuning: Partial<AugustTuning> = {},
): AugustDriver {
  if (account.vendor !== 'august')
    throw new LockbridgeError('invalid_config', `The August driver cannot run a ${account.vendor} account`);
  return new AugustDriver(account, context, tuning);
}
