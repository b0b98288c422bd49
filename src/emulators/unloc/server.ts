import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { EmulatorServer, type ErrorShape } from '../kit';
import { V1 as UNLOC_PATHS, V2 } from './api';
import { registerV2Routes } from './routes-v2';
import type { KeyEvent as UnlocKeyEvent } from './api';
import { UnlocAuth } from './auth';
import { registerKeyRoutes } from './routes-keys';
import { registerLockRoutes } from './routes-locks';
import { UnlocState, type EmuLock, type UnlocSeed } from './state';

export interface UnlocEmulatorOptions {
  /** Token lifetime (Unloc: 3600 s). */
  tokenTtlMs?: number;
  /** creating -> active delay for keys (tests: a few ms). */
  keyActivationDelayMs?: number;
  now?: () => number;
  seed?: UnlocSeed;
}

/** [INF] Unloc's error body: {error, errorDescription}. */
export const unlocErrorShape: ErrorShape = (status, message, extra) => ({
  error: typeof extra.error === 'string' ? extra.error : status === 429 ? 'TooManyRequests' : 'Error',
  errorDescription: message,
});

export interface WebhookDelivery {
  url: string;
  eventId: string;
  status?: number;
  error?: string;
}

/**
 * The Unloc Integrator API on 127.0.0.1: scoped client-credential tokens that expire ("JWT expired"),
 * lock holders, locks, the Duplicate Locks API (to a lock holder, or to a user by phone), keys that are
 * created asynchronously, roles, and key-event webhooks. Which integrator may duplicate which other
 * holder's locks is seeded (EmuIntegrator.duplicateGrants), as Unloc grants it by hand.
 */
export class UnlocEmulator {
  readonly server: EmulatorServer;
  readonly state = new UnlocState();
  readonly auth: UnlocAuth;
  tokenTtlMs: number;
  keyActivationDelayMs: number;
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(options: UnlocEmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.tokenTtlMs = options.tokenTtlMs ?? 3600_000;
    this.keyActivationDelayMs = options.keyActivationDelayMs ?? 1500;
    this.server = new EmulatorServer({ name: 'unloc', errorShape: unlocErrorShape });
    this.auth = new UnlocAuth(this.state, () => this.tokenTtlMs, this.now);
    this.server.route('POST', UNLOC_PATHS.token, (req) => this.auth.issue(req));
    this.server.route('POST', V2.token, (req) => this.auth.issueV2(req));
    registerV2Routes(this.server, this.state, this.auth, {
      keyActivationDelayMs: () => this.keyActivationDelayMs,
      later: (fn, ms) => this.later(fn, ms),
      now: this.now,
    });
    registerLockRoutes(this.server, this.state, this.auth);
    registerKeyRoutes(this.server, this.state, this.auth, {
      keyActivationDelayMs: () => this.keyActivationDelayMs,
      later: (fn, ms) => this.later(fn, ms),
      now: this.now,
    });
    if (options.seed) this.state.seed(options.seed);
  }

  start(): Promise<string> {
    return this.server.listen();
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.server.close();
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // -- test and sandbox API -------------------------------------------------------------------------

  seed(seed: UnlocSeed): this {
    this.state.seed(seed);
    return this;
  }

  /** Every issued token answers 401 "JWT expired" from now on. */
  expireTokens(): void {
    this.auth.tokens.expireAll();
  }

  lock(id: string): EmuLock | undefined {
    return this.state.locks.get(id);
  }

  /** Duplicates of a lock, to holders and users. */
  duplicatesOf(lockId: string): EmuLock[] {
    return [...this.state.locks.values()].filter((l) => l.duplicatedFromLockId === lockId);
  }

  /**
   * Someone opened the lock with their key in the Unloc app: a key event is recorded and POSTed to every
   * webhook of the lock (`times` > 1 redelivers it, as at-least-once delivery may).
   */
  async useKey(keyId: string, options: { times?: number } = {}): Promise<UnlocKeyEvent> {
    const key = this.state.keys.get(keyId);
    if (!key) throw new Error(`No key ${keyId}`);
    if (key.state !== 'active') throw new Error(`Key ${keyId} is ${key.state}, not active`);
    const lock = this.state.locks.get(key.lockId);
    const name = key.metadata?.name;
    const event: UnlocKeyEvent = {
      id: randomUUID(),
      action: 'unlocked',
      created: new Date(this.now()).toISOString(),
      keyId: key.id,
      lockId: key.lockId,
      lockName: lock?.name ?? '',
      userId: key.toUser.id,
      userName: typeof name === 'string' ? name : (key.toUser.name ?? 'Unloc user'),
    };
    this.state.keyEvents.push(event);
    const hooks = this.state.webhooks.filter((w) => w.lockId === key.lockId);
    // UD webhooks-guide: a v2 Access Event names the person appUserId.
    const v2Event = (({ userId, ...rest }) => ({ ...rest, appUserId: userId }))(event);
    for (let i = 0; i < (options.times ?? 1); i++)
      await Promise.all(hooks.map((h) => this.deliver(h.webhookUrl, h.api === 'v2' ? v2Event : event)));
    return event;
  }

  /** Makes every creating key active now (instead of waiting for the delay). */
  activateKeys(): void {
    for (const key of this.state.keys.values()) if (key.state === 'creating') key.state = 'active';
  }

  private deliver(url: string, event: UnlocKeyEvent | Record<string, unknown>): Promise<void> {
    const record: WebhookDelivery = { url, eventId: String(event.id) };
    this.deliveries.push(record);
    return new Promise((resolve) => {
      const payload = JSON.stringify(event);
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent: false,
          timeout: 2000,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          record.status = res.statusCode;
          res.resume();
          res.on('end', resolve);
          res.on('error', () => resolve());
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        record.error = err.message;
        resolve();
      });
      req.end(payload);
    });
  }
}
