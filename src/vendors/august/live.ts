import WebSocket from 'ws';
import { isLockbridgeError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AugustClient } from './client';
import type { AugustPushMessage } from './types';

export interface LiveOptions {
  client: AugustClient;
  /** ws(s)://host/ ; the subscriber id goes in the query. */
  url: string;
  logger: Logger;
  /** Refreshes the token (and logs in again if needed) before a reconnect. */
  refreshAuth(): Promise<void>;
  /** Runs a client call with the driver's auth handling (re-login on 401). */
  authed<T>(fn: () => Promise<T>): Promise<T>;
  onMessage(message: AugustPushMessage): void;
  onConnected(connected: boolean): void;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

/**
 * Live updates through a websocket subscriber: POST /websocket/subscribers, then a socket to the
 * live host with ?subscriberID=<id> and the auth headers; every message is a PubNub-like payload plus
 * lockID. When the socket drops it reconnects with backoff, refreshing the token and re-checking the
 * subscriber first. Upstream Yale Global speaks Socket.IO here; we speak a plain WebSocket (see the
 * report), which the emulator serves.
 */
export class AugustLive {
  private ws?: WebSocket;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private attempts = 0;
  private subscriberId?: string;
  private isOpen = false;

  constructor(private readonly options: LiveOptions) {}

  get connected(): boolean {
    return this.isOpen;
  }

  get subscriber(): string | undefined {
    return this.subscriberId;
  }

  /** Creates the subscriber and opens the socket; a failure leaves polling in charge and retries. */
  async start(): Promise<void> {
    this.stopping = false;
    try {
      await this.ensureSubscriber();
      this.connect();
    } catch (err) {
      this.options.logger.warn(`August live updates unavailable, polling instead (${describe(err)})`);
      this.scheduleReconnect();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
    this.setOpen(false);
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
    if (this.stopping || !this.subscriberId) return;
    const url = `${this.options.url}?subscriberID=${encodeURIComponent(this.subscriberId)}`;
    const ws = new WebSocket(url, { headers: this.options.client.socketHeaders(), handshakeTimeout: 15_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.attempts = 0;
      this.setOpen(true);
      this.options.logger.debug('August live updates connected');
    });
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        this.options.logger.debug('August live update ignored: not JSON');
        return;
      }
      if (message && typeof message === 'object' && !Array.isArray(message)) {
        try {
          this.options.onMessage(message as AugustPushMessage);
        } catch (err) {
          this.options.logger.warn(`August live update could not be handled (${describe(err)})`);
        }
      }
    });
    ws.on('error', (err) => this.options.logger.debug(`August live updates socket error: ${err.name}`));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.setOpen(false);
      if (!this.stopping) {
        this.options.logger.info('August live updates dropped; reconnecting (polling meanwhile)');
        this.scheduleReconnect();
      }
    });
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.timer) return;
    const delay = Math.min(
      this.options.maxReconnectDelayMs,
      this.options.reconnectDelayMs * 2 ** this.attempts,
    );
    this.attempts++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.options.refreshAuth();
      await this.ensureSubscriber();
      this.connect();
    } catch (err) {
      this.options.logger.debug(`August live updates reconnect failed (${describe(err)})`);
      this.scheduleReconnect();
    }
  }

  private setOpen(open: boolean): void {
    if (this.isOpen === open) return;
    this.isOpen = open;
    this.options.onConnected(open);
  }
}

function describe(err: unknown): string {
  return isLockbridgeError(err) ? err.code : err instanceof Error ? err.name : 'error';
}
