import type { LockSource } from '../../core/lock-source';
import type { EventFanout, LockEvent } from '../../core/events';
import type { SerializedError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Storage } from '../../core/storage';
import type { Clock } from '../../core/clock';
import type { IncomingMessage, MqttConnection } from '../connection';
import type { BridgeSettings } from '../settings';
import type { Topics } from '../topics';
import type { Responder } from '../responder';
import type { Timers } from '../timers';

/** What every extension is given; nothing global, so each is tested with what it needs. */
export interface BridgeContext {
  source: LockSource;
  connection: MqttConnection;
  topics: Topics;
  settings: BridgeSettings;
  responder: Responder;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  /** Lockbridge's version, for Home Assistant's device and origin info. */
  version: string;
  /** The storage directory, where there is one (the record of what was discovered in Home Assistant). */
  storage?: Storage;
  /**
   * A lock command failed (refused or the vendor said no), on `<base>/<lock>/set` or as the `command`
   * request: Home Assistant shows it.
   */
  commandFailures: EventFanout<CommandFailure>;
  /** Cluster mode: which daemon answers a command or request (src/cluster/command-router.ts). */
  gate?: MessageGate;
}

/**
 * Cluster mode: several daemons receive every command and request of one namespace; exactly one
 * answers each. admit() resolves true for that one (it may throw not_ready, then it answers that).
 */
export interface MessageGate {
  /** `lockId`: the lock of a `<lock>/set` command; absent for a request (the gate reads its payload). */
  admit(lockId: string | undefined, message: IncomingMessage): Promise<boolean>;
}

export interface CommandFailure {
  lockId: string;
  command?: string;
  error: SerializedError;
}

/**
 * One feature of the bridge (in the manner of zigbee2mqtt's extensions). The constructor does
 * nothing; start() publishes and subscribes, stop() undoes it. Lock events reach every extension
 * through onLockEvent, dispatched by the bridge.
 */
export abstract class Extension {
  private readonly unsubscribers: Array<() => void> = [];

  constructor(protected readonly ctx: BridgeContext) {}

  abstract start(): Promise<void>;

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  onLockEvent(_event: LockEvent): void {
    // Most extensions care about some events only.
  }

  /**
   * Cluster mode: the lock's account went to another daemon, which publishes the lock from now on.
   * Forget it without clearing anything retained (that is the new owner's now), and publish nothing
   * more about it.
   */
  forgetLock(_lockId: string): void {
    // Extensions that keep per-lock state drop it here.
  }

  /** Subscribes on the broker; the subscription ends with stop(). */
  protected async listen(filter: string, handler: Parameters<MqttConnection['subscribe']>[1]): Promise<void> {
    this.unsubscribers.push(await this.ctx.connection.subscribe(filter, handler));
  }

  /**
   * Runs fn over many items a slice at a time, each slice waiting for the broker's acknowledgements:
   * thousands of publishes at once would sit in the socket's write queue together (memory) and delay
   * everything queued behind them (commands).
   */
  protected async inSlices<T>(items: T[], fn: (item: T) => Promise<void>, size = 250): Promise<void> {
    for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
  }

  protected json(value: unknown): string {
    return JSON.stringify(value);
  }
}
