import type { Server as HttpServer } from 'node:http';
import type { Server as SocketIoServer, Socket } from 'socket.io';
import { EmulatorHttpError, type EmuRequest } from '../kit/server';
import type { EmulatorAuth } from './auth';
import type { AugustState } from './state';

/**
 * Yale Global's live updates: a Socket.IO server (yalexs manager/socketio.py connects to
 * https://websocket.aaecosystem.com/?subscriberID=<id> with transports ["websocket"] and the API auth
 * headers, and listens for `data` events carrying a PubNub-like payload plus lockID). Here it shares
 * the emulator's host. A socket needs valid auth headers and a subscriber of the same user with the
 * `lock` scope; it then gets the events of that user's locks.
 */
export class SocketIoEndpoint {
  private io?: SocketIoServer;
  private readonly bySubscriber = new Map<string, Set<Socket>>();

  constructor(
    private readonly state: AugustState,
    private readonly auth: EmulatorAuth,
  ) {}

  /** socket.io is loaded here, so an emulator of the api-production family runs without it. */
  async attach(httpServer: HttpServer): Promise<void> {
    const { Server } = await import('socket.io');
    const io: SocketIoServer = new Server(httpServer, {
      serveClient: false,
      transports: ['websocket', 'polling'],
    });
    io.use((socket, next) => {
      try {
        const subId = this.authorize(socket);
        socket.data.subscriberID = subId;
        next();
      } catch (err) {
        next(new Error(err instanceof EmulatorHttpError ? err.message : 'Refused'));
      }
    });
    io.on('connection', (socket) => {
      const subId = String(socket.data.subscriberID);
      let set = this.bySubscriber.get(subId);
      if (!set) this.bySubscriber.set(subId, (set = new Set()));
      set.add(socket);
      socket.on('disconnect', () => set.delete(socket));
    });
    this.io = io;
  }

  /** Sends `data` to every socket of a subscriber whose user may see the lock. */
  emit(lockUsers: Set<string> | Map<string, unknown>, message: Record<string, unknown>): void {
    for (const [subId, set] of this.bySubscriber) {
      const sub = this.state.subscribers.get(subId);
      if (!sub || !sub.scopes.includes('lock') || !lockUsers.has(sub.userID)) continue;
      for (const socket of set) socket.emit('data', message);
    }
  }

  get connected(): number {
    let n = 0;
    for (const set of this.bySubscriber.values()) n += set.size;
    return n;
  }

  /** Cuts every socket (a network blip); clients are expected to reconnect. */
  dropAll(): void {
    for (const set of this.bySubscriber.values()) for (const socket of set) socket.disconnect(true);
  }

  closeSubscriber(subId: string): void {
    for (const socket of this.bySubscriber.get(subId) ?? []) socket.disconnect(true);
    this.bySubscriber.delete(subId);
  }

  close(): void {
    this.dropAll();
    this.bySubscriber.clear();
    // Not io.close(): that closes the HTTP server, which the emulator's kit owns.
    this.io?.engine.close();
    this.io = undefined;
  }

  private authorize(socket: Socket): string {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(socket.handshake.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(socket.handshake.query)) if (typeof v === 'string') query.set(k, v);
    const req: EmuRequest = {
      method: 'GET',
      path: '/socket.io/',
      params: {},
      query,
      headers,
      body: undefined,
      rawBody: '',
    };
    const ctx = this.auth.check(req);
    const subId = query.get('subscriberID') ?? '';
    const sub = this.state.subscribers.get(subId);
    if (!sub || sub.userID !== ctx.user.userId) throw new EmulatorHttpError(404, 'Subscriber not found');
    return subId;
  }
}
