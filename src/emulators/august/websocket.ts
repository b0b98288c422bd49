import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EmulatorHttpError, type EmuRequest } from '../kit/server';
import type { EmulatorAuth } from './auth';
import type { AugustState, EmuLock } from './state';

/**
 * Live updates. The real Yale Global service speaks Socket.IO at websocket.aaecosystem.com with
 * ?subscriberID=<id> and emits `data` events carrying a PubNub-like payload plus lockID. This emulator
 * speaks a plain WebSocket on its own host (any path, ?subscriberID=<id>, the same auth headers), one
 * JSON payload per message.
 */
export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<string, Set<WebSocket>>();
  /** Every payload pushed, for tests. */
  readonly pushed: Array<Record<string, unknown>> = [];

  constructor(
    private readonly state: AugustState,
    private readonly auth: EmulatorAuth,
  ) {}

  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const emuReq: EmuRequest = {
      method: 'GET',
      path: url.pathname,
      params: {},
      query: url.searchParams,
      headers,
      body: undefined,
      rawBody: '',
    };
    try {
      const ctx = this.auth.check(emuReq);
      const subId = url.searchParams.get('subscriberID') ?? '';
      const sub = this.state.subscribers.get(subId);
      if (!sub || sub.userID !== ctx.user.userId) throw new EmulatorHttpError(404, 'Subscriber not found');
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        let set = this.sockets.get(subId);
        if (!set) this.sockets.set(subId, (set = new Set()));
        set.add(ws);
        ws.on('close', () => set!.delete(ws));
        ws.on('error', () => ws.terminate());
      });
    } catch (err) {
      const status = err instanceof EmulatorHttpError ? err.status : 500;
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Error'}\r\nConnection: close\r\n\r\n`,
      );
    }
  };

  push(lock: EmuLock, payload: Record<string, unknown>): void {
    const message = { ...payload, lockID: lock.LockID };
    this.pushed.push(message);
    const text = JSON.stringify(message);
    for (const [subId, set] of this.sockets) {
      const sub = this.state.subscribers.get(subId);
      if (!sub || !sub.scopes.includes('lock') || !lock.users.has(sub.userID)) continue;
      for (const ws of set) if (ws.readyState === ws.OPEN) ws.send(text);
    }
  }

  /** Subscribers whose socket is open. */
  get connected(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  /** Drops every socket (a network blip); clients are expected to reconnect. */
  dropAll(): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.terminate();
  }

  closeSubscriber(subId: string): void {
    for (const ws of this.sockets.get(subId) ?? []) ws.close(1000, 'subscriber deleted');
    this.sockets.delete(subId);
  }

  close(): void {
    this.dropAll();
    this.sockets.clear();
    this.wss.close();
  }
}
