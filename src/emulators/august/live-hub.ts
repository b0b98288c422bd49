import type { Server as HttpServer } from 'node:http';
import type { EmulatorServer } from '../kit/server';
import type { EmulatorAuth } from './auth';
import { AUGUST_PUBNUB_SUBSCRIBE_KEY, PubNubEndpoint } from './pubnub';
import { SocketIoEndpoint } from './socketio';
import type { AugustState, EmuLock } from './state';

export interface LiveHubOptions {
  /** api-production (August, Yale Access) pushes over PubNub; aaecosystem (Yale Global) over Socket.IO. */
  transport: 'pubnub' | 'socketio';
  pubnubSubscribeKeys?: string[];
  pubnubHoldMs?: number;
}

/**
 * Where lock events go. The api-production family publishes each event on the lock's PubNub channel
 * (its detail's `pubsubChannel`, yalexs pubnub_async.py) and offers no websocket; the aaecosystem
 * family sends it as a Socket.IO `data` event, with lockID added, to the subscribers of the lock's
 * users (yalexs manager/socketio.py).
 */
export class LiveHub {
  readonly pubnub?: PubNubEndpoint;
  readonly socketio?: SocketIoEndpoint;
  /** Every payload pushed, with lockID, for tests. */
  readonly pushed: Array<Record<string, unknown>> = [];

  constructor(
    server: EmulatorServer,
    state: AugustState,
    auth: EmulatorAuth,
    options: LiveHubOptions,
    now: () => number,
  ) {
    if (options.transport === 'pubnub')
      this.pubnub = new PubNubEndpoint(
        server,
        {
          subscribeKeys: options.pubnubSubscribeKeys ?? [AUGUST_PUBNUB_SUBSCRIBE_KEY],
          holdMs: options.pubnubHoldMs ?? 280_000,
          backlog: 1000,
        },
        now,
      );
    else this.socketio = new SocketIoEndpoint(state, auth);
  }

  async attach(httpServer: HttpServer): Promise<void> {
    await this.socketio?.attach(httpServer);
  }

  push(lock: EmuLock, payload: Record<string, unknown>): void {
    const message = { ...payload, lockID: lock.LockID };
    this.pushed.push(message);
    // A PubNub message names its lock by its channel only.
    this.pubnub?.publish(lock.pubsubChannel, payload);
    this.socketio?.emit(lock.users, message);
  }

  /** Clients listening now: open sockets, or held PubNub subscribes. */
  get connected(): number {
    return (this.socketio?.connected ?? 0) + (this.pubnub?.listening ?? 0);
  }

  /** A network blip: sockets cut, held subscribes answered 503. */
  dropAll(): void {
    this.socketio?.dropAll();
    this.pubnub?.dropAll();
  }

  closeSubscriber(subId: string): void {
    this.socketio?.closeSubscriber(subId);
  }

  close(): void {
    this.socketio?.close();
    this.pubnub?.close();
  }
}
