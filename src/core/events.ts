import type { LastAction, Lock, AccessCode, CodeOperationResult } from './model';
import type { SerializedError } from './errors';

export type ConnectionState = 'connecting' | 'connected' | 'error' | 'stopped';

export interface AccountStatus {
  account: string;
  vendor: string;
  state: ConnectionState | 'two_factor_required';
  error?: SerializedError;
  lockCount: number;
}

/** Everything a LockSource tells its subscribers. */
export type LockEvent =
  | { type: 'lock_added'; lock: Lock }
  /**
   * The lock is gone. With `handover`, only from this process: in cluster mode its account went to
   * another daemon, which publishes it from now on (so nothing retained about it may be cleared).
   */
  | { type: 'lock_removed'; lockId: string; lock: Lock; handover?: true }
  /**
   * What the lock is changed, its status aside: name, capabilities, code rules, model, firmware (a lock
   * renamed in the vendor's app, a keypad or door sensor added). Surfaces re-describe it.
   */
  | { type: 'lock_changed'; lock: Lock; previous: Lock }
  /** The status changed (state, door, battery, online ...). */
  | { type: 'state'; lock: Lock; previous: Lock['status'] }
  /** Something happened at the lock: who unlocked, how, when. */
  | { type: 'activity'; lockId: string; action: LastAction }
  | { type: 'code'; lockId: string; code: AccessCode; result?: CodeOperationResult }
  | { type: 'account'; status: AccountStatus };

export type LockEventListener = (event: LockEvent) => void;
export type Unsubscribe = () => void;

/** A minimal typed fan-out; a throwing listener never stops the others. */
export class EventFanout<E> {
  private readonly listeners = new Set<(event: E) => void>();
  private readonly onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void = () => undefined) {
    this.onListenerError = onListenerError;
  }

  subscribe(listener: (event: E) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
