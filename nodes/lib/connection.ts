import { LockbridgeError, type SerializedError } from '../../src/core/errors';
import { EventFanout, type LockEventListener, type Unsubscribe } from '../../src/core/events';
import type { LockSource } from '../../src/core/lock-source';
import { flowError } from './errors';

/** An opened LockSource and how to close everything behind it (hub, emulators, MQTT client). */
export interface SourceHandle {
  source: LockSource;
  stop(): Promise<void>;
}

export type ConnectionState = 'connecting' | 'connected' | 'two_factor_required' | 'error' | 'stopped';

/** What a user node shows: the worst state of the accounts behind the source. */
export interface ConnectionView {
  state: ConnectionState;
  error?: SerializedError;
}

const RANK: Record<ConnectionState, number> = {
  connected: 0,
  connecting: 1,
  two_factor_required: 2,
  error: 3,
  stopped: 4,
};

/**
 * The connection a lockbridge-account node owns: opens the source once, fans its events out to the
 * nodes that use the account, tells them how the accounts are doing, and closes everything on close.
 */
export class AccountConnection {
  private handle?: SourceHandle;
  private opening?: Promise<SourceHandle>;
  private openError?: LockbridgeError;
  private closed = false;
  private attempts = 0;
  private retryTimer?: NodeJS.Timeout;
  private unsubscribe?: Unsubscribe;
  private readonly events: EventFanout<Parameters<LockEventListener>[0]>;
  private readonly views: EventFanout<ConnectionView>;
  private lastView: ConnectionView = { state: 'connecting' };

  constructor(onListenerError: (err: unknown) => void) {
    this.events = new EventFanout(onListenerError);
    this.views = new EventFanout(onListenerError);
  }

  /**
   * Opens the source. When `retryDelayMs` gives a delay for a failure (a broker or daemon that is not
   * up yet), the connection tries again after it; configuration errors are final.
   */
  open(
    opener: () => Promise<SourceHandle>,
    retryDelayMs?: (err: LockbridgeError, attempt: number) => number | undefined,
  ): void {
    if (this.opening || this.closed) return;
    this.attempts++;
    this.opening = opener().then(
      async (handle) => {
        if (this.closed) {
          await handle.stop().catch(() => undefined);
          throw new LockbridgeError('shutting_down', 'The account node was closed');
        }
        this.handle = handle;
        this.openError = undefined;
        this.unsubscribe = handle.source.subscribe((event) => {
          if (event.type === 'account') this.refresh();
          this.events.emit(event);
        });
        this.refresh();
        return handle;
      },
      (err: unknown) => {
        const error = flowError(err);
        this.openError = error;
        this.refresh();
        const delay = this.closed ? undefined : retryDelayMs?.(error, this.attempts);
        if (delay !== undefined) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.opening = undefined;
            this.open(opener, retryDelayMs);
          }, delay);
        }
        throw error;
      },
    );
    // Users await the same promise; this keeps an open failure from being an unhandled rejection.
    this.opening.catch(() => undefined);
  }

  /** The source, once opened; rejects with the open error, or not_ready before open() was called. */
  async source(): Promise<LockSource> {
    if (this.closed) throw new LockbridgeError('shutting_down', 'The account node was closed');
    if (this.handle) return this.handle.source;
    if (!this.opening) throw new LockbridgeError('not_ready', 'The account is not connected');
    return (await this.opening).source;
  }

  /** The source if it is open now (admin endpoints answer at once rather than wait). */
  current(): LockSource | undefined {
    return this.closed ? undefined : this.handle?.source;
  }

  view(): ConnectionView {
    return this.lastView;
  }

  /** Calls `listener` with the current view now and with every change; returns the detach function. */
  watch(listener: (view: ConnectionView) => void): Unsubscribe {
    const off = this.views.subscribe(listener);
    listener(this.lastView);
    return off;
  }

  subscribe(listener: LockEventListener): Unsubscribe {
    return this.events.subscribe(listener);
  }

  /** Recomputes the view from the accounts behind the source. */
  refresh(): void {
    const next = this.compute();
    if (next.state === this.lastView.state && next.error?.code === this.lastView.error?.code) return;
    this.lastView = next;
    this.views.emit(next);
  }

  private compute(): ConnectionView {
    if (this.closed) return { state: 'stopped' };
    if (this.openError) return { state: 'error', error: this.openError.toJSON() };
    if (!this.handle) return { state: 'connecting' };
    let worst: ConnectionView = { state: 'connected' };
    for (const status of this.handle.source.accounts()) {
      const state: ConnectionState = status.state === 'stopped' ? 'error' : status.state;
      if (RANK[state] > RANK[worst.state]) worst = { state, error: status.error };
    }
    return worst;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unsubscribe?.();
    const handle = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    await handle?.stop();
    this.refresh();
    this.events.clear();
    this.views.clear();
  }
}
