import { EmulatorHttpError, EmulatorServer, type EmuResponse } from '../kit/server';
import type { FaultInjector } from '../kit/faults';
import type { Family } from './api';
import { EmulatorAuth } from './auth';
import type { AugustEmulatorTiming, EmuContext } from './context';
import { LiveHub } from './live-hub';
import { AugustState, type EmuLock, type EmuUser, type LockSeed, type UserSeed } from './state';
import { registerSessionRoutes } from './routes-session';
import { registerLockRoutes } from './routes-locks';
import { registerRemoteRoutes } from './routes-remote';
import { registerPinRoutes } from './routes-pins';
import { registerUserRoutes } from './routes-users';
import { registerActivityRoutes, recordDoorActivity, recordLockActivity } from './activity';

export interface AugustEmulatorOptions extends Partial<AugustEmulatorTiming> {
  /** Which header set the emulated host expects: x-august-* (api-production) or x-* (aaecosystem). */
  family?: Family;
  /** The app API key the emulator accepts. */
  apiKey?: string;
  tokenTtlMs?: number;
  /** A token older than this is replaced by a fresh one in the answer's token header. */
  tokenRefreshAfterMs?: number;
  /**
   * Whether POST /session takes a password. Default: on for the august family, off for aaecosystem
   * (Yale Home / Yale Global), where Yale switched password login off (yalexs 389ae6c; homebridge-august
   * 3.3.0 README): those accounts come in with a token issued elsewhere (issueAccessToken).
   */
  passwordLogin?: boolean;
  /** How long a PubNub subscribe with no news is held (default 280 s, as PubNub). */
  pubnubHoldMs?: number;
}

export const EMULATOR_API_KEY = 'emulator-api-key';

/**
 * The August/Yale cloud, emulated from august-yale-api.txt and vendor-apis.md section 1, on
 * 127.0.0.1 port 0. Tests and the sandbox seed it and drive the physical world through the typed
 * methods below (a hand on the thumb turn, a door, a jam, a bridge going offline).
 */
export class AugustEmulator {
  readonly server = new EmulatorServer({
    name: 'august',
    errorShape: (_status, message, extra) => ({ ...extra, message }),
  });
  readonly state = new AugustState(() => this.now());
  readonly auth: EmulatorAuth;
  readonly live: LiveHub;
  readonly timing: AugustEmulatorTiming;
  readonly family: Family;
  readonly apiKey: string;
  /** POST /session takes a password (see AugustEmulatorOptions.passwordLogin); tests may flip it. */
  passwordLogin: boolean;
  /** Webhook deliveries (URL and body), for tests. */
  readonly webhooks: Array<{ url: string; body: unknown }> = [];
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly deliveries = new Set<AbortController>();

  constructor(options: AugustEmulatorOptions = {}) {
    this.family = options.family ?? 'august';
    this.apiKey = options.apiKey ?? EMULATOR_API_KEY;
    this.passwordLogin = options.passwordLogin ?? this.family === 'august';
    this.timing = {
      opDelayMs: options.opDelayMs ?? 1000,
      pinDelayMs: options.pinDelayMs ?? 2000,
      reserveHoldMs: options.reserveHoldMs ?? 180_000,
      unlatchHoldMs: options.unlatchHoldMs ?? 3000,
    };
    this.auth = new EmulatorAuth(
      this.state,
      {
        family: this.family,
        apiKey: this.apiKey,
        tokenTtlMs: options.tokenTtlMs ?? 120 * 24 * 3600 * 1000,
        refreshAfterMs: options.tokenRefreshAfterMs ?? 60_000,
      },
      () => this.now(),
    );
    this.live = new LiveHub(
      this.server,
      this.state,
      this.auth,
      {
        transport: this.family === 'aaecosystem' ? 'socketio' : 'pubnub',
        pubnubHoldMs: options.pubnubHoldMs,
      },
      () => this.now(),
    );
    const ctx = this.context();
    registerSessionRoutes(ctx);
    registerLockRoutes(ctx);
    registerRemoteRoutes(ctx);
    registerPinRoutes(ctx);
    registerUserRoutes(ctx);
    registerActivityRoutes(ctx);
  }

  now(): number {
    return Date.now();
  }

  get faults(): FaultInjector {
    return this.server.faults;
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<string> {
    const url = await this.server.listen();
    await this.live.attach(this.server.httpServer!);
    return url;
  }

  async close(): Promise<void> {
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    for (const c of this.deliveries) c.abort();
    this.live.close();
    await this.server.close();
  }

  // -- seeding and the physical world --------------------------------------------------------------

  seedUser(seed: UserSeed): EmuUser {
    return this.state.addUser(seed);
  }

  seedLock(seed: LockSeed): EmuLock {
    return this.state.addLock(seed);
  }

  lock(lockId: string): EmuLock {
    const lock = this.state.locks.get(lockId);
    if (!lock) throw new Error(`No emulated lock ${lockId}`);
    return lock;
  }

  /** Someone turns the thumb turn (or pulls the latch). */
  simulateManual(lockId: string, action: 'lock' | 'unlock' | 'unlatch'): void {
    const lock = this.lock(lockId);
    lock.bolt = action === 'lock' ? 'locked' : action === 'unlock' ? 'unlocked' : 'unlatched';
    lock.jammed = false;
    lock.statusAt = new Date(this.now()).toISOString();
    recordLockActivity(this.state, lock, this.now(), 'manual', action);
    this.live.push(lock, {
      status: lock.bolt,
      callingUserID: `manual${action}`,
      doorState: lock.doorSense ? lock.door : 'init',
    });
  }

  /** Someone types their PIN on the keypad. */
  simulateKeypad(lockId: string, userId: string, action: 'lock' | 'unlock'): void {
    const lock = this.lock(lockId);
    lock.bolt = action === 'lock' ? 'locked' : 'unlocked';
    lock.statusAt = new Date(this.now()).toISOString();
    recordLockActivity(this.state, lock, this.now(), 'pin', action, this.state.users.get(userId));
    this.live.push(lock, {
      status: lock.bolt,
      callingUserID: userId,
      doorState: lock.doorSense ? lock.door : 'init',
    });
  }

  /** The lock locks itself (auto-lock). */
  simulateAutoLock(lockId: string): void {
    const lock = this.lock(lockId);
    lock.bolt = 'locked';
    lock.statusAt = new Date(this.now()).toISOString();
    recordLockActivity(this.state, lock, this.now(), 'auto', 'lock');
    this.live.push(lock, {
      status: lock.bolt,
      callingUserID: 'automaticrelock',
      doorState: lock.doorSense ? lock.door : 'init',
    });
  }

  /** A user operates the lock over Bluetooth from the app (no bridge involved). */
  simulateBluetooth(lockId: string, userId: string, action: 'lock' | 'unlock'): void {
    const lock = this.lock(lockId);
    lock.bolt = action === 'lock' ? 'locked' : 'unlocked';
    lock.statusAt = new Date(this.now()).toISOString();
    recordLockActivity(this.state, lock, this.now(), 'ble', action, this.state.users.get(userId));
    this.live.push(lock, {
      status: lock.bolt,
      callingUserID: userId,
      doorState: lock.doorSense ? lock.door : 'init',
    });
  }

  simulateDoor(lockId: string, door: 'open' | 'closed'): void {
    const lock = this.lock(lockId);
    if (!lock.doorSense) throw new Error('This lock has no DoorSense');
    lock.door = door;
    recordDoorActivity(this.state, lock, this.now(), door);
    this.live.push(lock, { status: 'DoorStateChanged', timeStamp: this.now() });
    this.live.push(lock, { doorState: door, timeStamp: this.now() });
  }

  setJammed(lockId: string, jammed: boolean): void {
    const lock = this.lock(lockId);
    lock.jammed = jammed;
    if (jammed)
      this.live.push(lock, {
        remoteEvent: 1,
        status: 'FAILED_BRIDGE_ERROR_LOCK_JAMMED',
        info: { action: 'lock' },
      });
  }

  setBridgeOnline(lockId: string, online: boolean): void {
    const lock = this.lock(lockId);
    if (!lock.bridge) throw new Error('This lock has no bridge');
    lock.bridge.online = online;
    this.live.push(lock, {
      status: online ? 'associated_bridge_online' : 'associated_bridge_offline',
      timeStamp: this.now(),
    });
  }

  /** The bridge accepts operations but never hears back from the lock (408). */
  setBridgeTimeout(lockId: string, timeout: boolean): void {
    const lock = this.lock(lockId);
    if (!lock.bridge) throw new Error('This lock has no bridge');
    lock.bridge.timeout = timeout;
  }

  /** An operation from someone else is in progress for ms (423). */
  setBusy(lockId: string, ms: number): void {
    this.lock(lockId).busyUntil = this.now() + ms;
  }

  /** Runs every pending asynchronous step now (PIN states, operations): tests step time by hand. */
  flushTimers(): void {
    for (const [t, fn] of [...this.timers]) {
      clearTimeout(t);
      this.timers.delete(t);
      fn();
    }
  }

  /**
   * An access token for a user, as an OAuth sign-in elsewhere would hand out (the only way into an
   * aaecosystem account); the driver imports it with `accessToken`.
   */
  issueAccessToken(userId: string, installId = 'imported-token'): string {
    if (!this.state.users.has(userId)) throw new Error(`No emulated user ${userId}`);
    return this.auth.issue(userId, installId);
  }

  expireTokens(): void {
    this.auth.tokens.expireAll();
  }

  dropWebsockets(): void {
    this.live.dropAll();
  }

  // -- plumbing ------------------------------------------------------------------------------------

  private context(): EmuContext {
    const auth = this.auth;
    const withToken = (ctxToken: string, res: EmuResponse): EmuResponse => ({
      ...res,
      headers: { ...res.headers, [auth.headers.accessToken]: ctxToken },
    });
    return {
      state: this.state,
      auth,
      timing: this.timing,
      passwordLogin: () => this.passwordLogin,
      now: () => this.now(),
      route: (method, pattern, handler, options = {}) => {
        this.server.route(method, pattern, async (req) => {
          const ctx = auth.check(req, options.allowUnvalidated ?? false);
          const res = await handler(req, ctx);
          return withToken(auth.refreshed(ctx), res);
        });
      },
      publicRoute: (method, pattern, handler) => {
        this.server.route(method, pattern, (req) => {
          auth.checkApp(req);
          return handler(req);
        });
      },
      later: (ms, fn) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          fn();
        }, ms);
        this.timers.set(t, fn);
      },
      push: (lock, payload) => this.live.push(lock, payload),
      webhook: (url, body) => this.deliver(url, body),
      dropSubscriber: (subId) => this.live.closeSubscriber(subId),
    };
  }

  /** Webhooks go to loopback only: the emulator never reaches beyond this machine. */
  private deliver(url: string | undefined, body: unknown): void {
    if (!url) return;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return;
    }
    this.webhooks.push({ url, body });
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') return;
    const controller = new AbortController();
    this.deliveries.add(controller);
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined)
      .finally(() => this.deliveries.delete(controller));
  }
}

export { EmulatorHttpError };
