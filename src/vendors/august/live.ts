import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import type { BrandConfig } from './brands';
import type { AugustPushMessage } from './types';

/**
 * A live-updates channel of one account: PubNub (August, Yale Access) or Socket.IO (Yale Home,
 * Yale Global). Each keeps itself connected (reconnecting with backoff) and says when it is up; while
 * it is down the driver polls.
 */
export interface AugustLiveChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly connected: boolean;
  /** The locks to listen to (PubNub: one channel per lock); called after every full listing. */
  setLocks(locks: ReadonlyArray<{ lockId: string; pubsubChannel?: string }>): void;
}

/** What every channel reports to the driver. */
export interface LiveCallbacks {
  /** A push for a lock; the message carries its lockID. */
  onMessage(message: AugustPushMessage): void;
  /** Up or down. `resumed` is true when it comes back after having been up: pushes may have been missed. */
  onConnected(connected: boolean, resumed: boolean): void;
}

export type LiveEndpoint =
  { kind: 'pubnub'; subscribeKey: string; origin?: string; ssl: boolean } | { kind: 'socketio'; url: string };

/**
 * Where live updates come from. `liveUpdatesUrl` (config) wins; an account pointed at another REST
 * host (the emulator) finds them on that host; otherwise the brand's own service.
 */
export function liveEndpointFor(
  brand: BrandConfig,
  baseUrl: string,
  liveUpdatesUrl?: string,
): LiveEndpoint | undefined {
  const moved = baseUrl.replace(/\/+$/, '') !== brand.baseUrl.replace(/\/+$/, '');
  const override = liveUpdatesUrl ?? (moved ? baseUrl : undefined);
  if (brand.pubnubSubscribeKey) {
    if (!override) return { kind: 'pubnub', subscribeKey: brand.pubnubSubscribeKey, ssl: true };
    const url = parseUrl(override);
    return {
      kind: 'pubnub',
      subscribeKey: brand.pubnubSubscribeKey,
      origin: url.host,
      ssl: url.protocol === 'https:' || url.protocol === 'wss:',
    };
  }
  if (brand.websocketUrl) {
    const url = override ? parseUrl(override.replace(/^ws/, 'http')).href : brand.websocketUrl;
    return { kind: 'socketio', url };
  }
  return undefined;
}

function parseUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^(https?|wss?):$/.test(url.protocol))
    throw new LockbridgeError('invalid_config', 'liveUpdatesUrl must be an http(s) or ws(s) URL');
  return url;
}

/** Exponential backoff with a ceiling and a little jitter, so many accounts do not reconnect in step. */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.attempts, 30));
    this.attempts++;
    return Math.min(this.maxMs, Math.round(base * (0.8 + 0.4 * this.random())));
  }

  reset(): void {
    this.attempts = 0;
  }
}

/** An error's code or name, never its message (which may carry a URL with a token). */
export function describeError(err: unknown): string {
  return isLockbridgeError(err) ? err.code : err instanceof Error ? err.name : 'error';
}
