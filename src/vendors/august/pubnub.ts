import { randomUUID } from 'node:crypto';
import PubNub from 'pubnub';
import type { Logger } from '../../core/logger';
import { Backoff, describeError, type AugustLiveChannel, type LiveCallbacks } from './live';
import type { AugustPushMessage } from './types';

export interface PubNubLiveOptions extends LiveCallbacks {
  subscribeKey: string;
  /** host[:port] of the PubNub edge; absent, the SDK's own (ps.pndsn.com). */
  origin?: string;
  ssl: boolean;
  /** The August user id: the client presents itself as pn-<USER ID> (yalexs pubnub_async.py). */
  userId(): string | undefined;
  logger: Logger;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

/** Categories the SDK restarts by itself (a long-poll that timed out client-side). */
const SELF_HEALING = new Set(['PNTimeoutCategory']);

/**
 * August and Yale Access live updates over PubNub with the `pubnub` SDK: one channel per lock (the
 * lock detail's `pubsubChannel`), the brand's subscribe key, uuid pn-<USER ID>. Each message names
 * its lock by its channel only; we add lockID so the message maps like a Yale Global one.
 *
 * Each connection is a fresh SDK instance whose first subscribe is the handshake (answered at once),
 * so "connected" is known quickly. Any error the SDK does not heal itself (network, 4xx, 5xx) tears
 * the instance down and starts a new one after a backoff we control; the SDK's own recovery polls
 * every 3 s without backoff, which is not what a fleet of accounts should do.
 */
export class AugustPubNub implements AugustLiveChannel {
  private client?: PubNub;
  private readonly channels = new Map<string, string>();
  private readonly backoff: Backoff;
  private timer?: NodeJS.Timeout;
  private running = false;
  private isConnected = false;
  private wasConnected = false;
  /** A fresh uuid when the user id is unknown, stable for the process. */
  private readonly fallbackUuid = `pn-${randomUUID().toUpperCase()}`;

  constructor(private readonly options: PubNubLiveOptions) {
    this.backoff = new Backoff(options.reconnectDelayMs, options.maxReconnectDelayMs);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Nothing to do until the locks (and so the channels) are known: see setLocks. */
  async start(): Promise<void> {
    this.running = true;
    if (this.channels.size > 0) this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.teardown();
    this.setConnected(false);
  }

  setLocks(locks: ReadonlyArray<{ lockId: string; pubsubChannel?: string }>): void {
    const next = new Map<string, string>();
    for (const l of locks) if (l.pubsubChannel) next.set(l.pubsubChannel, l.lockId);
    const same =
      next.size === this.channels.size && [...next].every(([c, id]) => this.channels.get(c) === id);
    if (same) return;
    this.channels.clear();
    for (const [c, id] of next) this.channels.set(c, id);
    if (!this.running) return;
    if (this.channels.size === 0) {
      this.teardown();
      this.setConnected(false);
      return;
    }
    // A new channel set: a new subscription (resubscribing keeps the "connected" state honest).
    if (this.timer) return; // a reconnect is already scheduled and will use the new set
    const wasUp = this.isConnected;
    this.teardown();
    this.connect(wasUp);
  }

  private connect(keepUp = false): void {
    if (!this.running || this.channels.size === 0) return;
    const userId = this.options.userId();
    const client = new PubNub({
      subscribeKey: this.options.subscribeKey,
      userId: userId ? `pn-${userId.toUpperCase()}` : this.fallbackUuid,
      ssl: this.options.ssl,
      ...(this.options.origin ? { origin: this.options.origin } : {}),
      // Presence is not used: no heartbeats, and no leave calls when we go.
      heartbeatInterval: 0,
      suppressLeaveEvents: true,
    });
    this.client = client;
    client.addListener({
      status: (status) => {
        if (this.client !== client) return;
        const error = (status as PubNub.StatusEvent & { error?: boolean }).error === true;
        if (status.category === 'PNConnectedCategory' || status.category === 'PNReconnectedCategory') {
          this.backoff.reset();
          this.setConnected(true, keepUp);
          this.options.logger.debug('August live updates (PubNub) connected');
        } else if (error && !SELF_HEALING.has(status.category)) {
          this.options.logger.info(
            `August live updates (PubNub) down (${status.category}); polling until they are back`,
          );
          this.teardown();
          this.setConnected(false);
          this.scheduleReconnect();
        }
      },
      message: (event) => this.onMessage(event),
    });
    client.subscribe({ channels: [...this.channels.keys()] });
  }

  private onMessage(event: PubNub.MessageEvent): void {
    const lockId = this.channels.get(event.channel);
    const payload: unknown = event.message;
    if (!lockId || !payload || typeof payload !== 'object' || Array.isArray(payload)) return;
    try {
      this.options.onMessage({ ...(payload as AugustPushMessage), lockID: lockId });
    } catch (err) {
      this.options.logger.warn(`August live update could not be handled (${describeError(err)})`);
    }
  }

  private scheduleReconnect(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, this.backoff.next());
  }

  /** Drops the SDK instance: its long-poll is aborted, and no leave call goes out (presence is unused). */
  private teardown(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Both exist at runtime in pubnub 7 (pubnub-common.js) but not in @types/pubnub.
    const sdk = client as unknown as { removeAllListeners(): void; destroy(offline?: boolean): void };
    sdk.removeAllListeners();
    try {
      sdk.destroy(true);
    } catch (err) {
      this.options.logger.debug(`PubNub teardown: ${describeError(err)}`);
    }
  }

  private setConnected(connected: boolean, keepUp = false): void {
    if (connected === this.isConnected) return;
    this.isConnected = connected;
    if (!connected) return this.options.onConnected(false, false);
    // Resubscribing to a changed channel set is not a comeback; anything after a drop is.
    const resumed = this.wasConnected && !keepUp;
    this.wasConnected = true;
    this.options.onConnected(true, resumed);
  }
}
