import { io, type Socket } from 'socket.io-client';
import { isLockbridgeError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AugustClient } from './client';
import { Backoff, describeError, type AugustLiveChannel, type LiveCallbacks } from './live';
import type { AugustPushMessage } from './types';

export interface SocketIoLiveOptions extends LiveCallbacks {
  client: AugustClient;
  /** https://websocket.aaecosystem.com/ upstream; the subscriber id goes in the query. */
  url: string;
  logger: Logger;
  /** Refreshes the token (and logs in again if needed) before a reconnect. */
  refreshAuth(): Promise<void>;
  /** Runs a client call with the driver's auth handling (re-login on 401). */
  authed<T>(fn: () => Promise<T>): Promise<T>;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

/**
 * Yale Home / Yale Global live updates (yalexs manager/socketio.py): POST /websocket/subscribers,
 * then Socket.IO to the live host with ?subscriberID=<id>, the websocket transport and the API auth
 * headers; each `data` event is a PubNub-like payload plus lockID. The client library's own
 * reconnection is off: before each reconnect we refresh the token and check the subscriber, which it
 * cannot do, and back off ourselves.
 */
export class AugustSocketIo implements AugustLiveChannel {
  private socket?: Socket;
  private timer?: NodeJS.Timeout;
  private running = false;
  private subscriberId?: string;
  private isConnected = false;
  private wasConnected = false;
  private readonly backoff: Backoff;

  constructor(private readonly options: SocketIoLiveOptions) {
    this.backoff = new Backoff(options.reconnectDelayMs, options.maxReconnectDelayMs);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get subscriber(): string | undefined {
    return this.subscriberId;
  }

  /** The subscriber is per user, not per lock: nothing to change. */
  setLocks(): void {}

  /** Creates the subscriber and opens the socket; a failure leaves polling in charge and retries. */
  async start(): Promise<void> {
    this.running = true;
    try {
      await this.ensureSubscriber();
      this.connect();
    } catch (err) {
      this.options.logger.warn(`August live updates unavailable, polling instead (${describeError(err)})`);
      this.scheduleReconnect();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closeSocket();
    this.setConnected(false);
    const id = this.subscriberId;
    this.subscriberId = undefined;
    if (id) {
      try {
        await this.options.client.deleteSubscriber(id, 2000);
      } catch {
        // Best effort: an orphan subscriber expires upstream.
      }
    }
  }

  private async ensureSubscriber(): Promise<void> {
    if (this.subscriberId) {
      try {
        await this.options.authed(() => this.options.client.getSubscriber(this.subscriberId!));
        return;
      } catch (err) {
        if (!isLockbridgeError(err) || err.code !== 'not_found') throw err;
      }
    }
    const sub = await this.options.authed(() => this.options.client.createSubscriber(['lock']));
    this.subscriberId = sub.subscriberID;
  }

  private connect(): void {
    if (!this.running || !this.subscriberId) return;
    const socket = io(this.options.url, {
      transports: ['websocket'],
      query: { subscriberID: this.subscriberId },
      extraHeaders: this.options.client.socketHeaders(),
      reconnection: false,
      forceNew: true,
      timeout: 15_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.backoff.reset();
      this.setConnected(true);
      this.options.logger.debug('August live updates (Socket.IO) connected');
    });
    socket.on('data', (data: unknown) => {
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        this.options.logger.debug('August live update ignored: not an object');
        return;
      }
      try {
        this.options.onMessage(data as AugustPushMessage);
      } catch (err) {
        this.options.logger.warn(`August live update could not be handled (${describeError(err)})`);
      }
    });
    const lost = (why: string) => {
      if (this.socket !== socket) return;
      this.closeSocket();
      this.setConnected(false);
      if (this.running) {
        this.options.logger.info(`August live updates dropped (${why}); reconnecting, polling meanwhile`);
        this.scheduleReconnect();
      }
    };
    socket.on('disconnect', (reason) => lost(reason));
    socket.on('connect_error', (err) => lost(err.name));
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconnect();
    }, this.backoff.next());
  }

  private async reconnect(): Promise<void> {
    if (!this.running) return;
    try {
      await this.options.refreshAuth();
      await this.ensureSubscriber();
      this.connect();
    } catch (err) {
      this.options.logger.debug(`August live updates reconnect failed (${describeError(err)})`);
      this.scheduleReconnect();
    }
  }

  private setConnected(connected: boolean): void {
    if (connected === this.isConnected) return;
    this.isConnected = connected;
    const resumed = connected && this.wasConnected;
    if (connected) this.wasConnected = true;
    this.options.onConnected(connected, resumed);
  }
}
