import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';

/** What a delivery looked like, for the vendor's own authentication check. */
export interface WebhookDelivery {
  headers: IncomingHttpHeaders;
  /** The request path below the listener's path ('' for the path itself, else '/rest'). */
  subpath: string;
  /** The raw body, exactly as received (HMAC signatures are over these bytes). */
  body: Buffer;
}

export interface WebhookListenerOptions {
  host: string;
  port: number;
  path: string;
  /**
   * Checks a delivery (a static bearer, a header secret, an HMAC of the body, a secret in the path);
   * false answers 401 and the body never reaches onEvent. Without it every delivery is accepted.
   */
  authorize?(delivery: WebhookDelivery): boolean;
  /** Called with each parsed JSON body; the vendor gets 200 for every well-formed, authorized POST. */
  onEvent(body: unknown): void;
  /** Largest body accepted (default 64 KiB); more is answered 413 without reading the rest. */
  maxBodyBytes?: number;
  /** Time to receive all request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time to receive the whole request, body included (default 15 s). */
  requestTimeoutMs?: number;
}

const DEFAULTS = { maxBodyBytes: 64 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 15_000 };

/**
 * A small HTTP listener for vendor webhooks (Unloc key events, SmartphoneKey EventBridge deliveries).
 * It faces the internet, so nothing a client sends may hold it: headers and the whole request have
 * deadlines (a slow-loris connection is cut), a body over the limit is refused from its Content-Length
 * before any of it is read (or as soon as a streamed body passes the limit), and only POST on its own
 * path is served. Malformed bodies get 400, unauthorized ones 401; the process never sees either.
 */
export class WebhookListener {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private address?: AddressInfo;
  private readonly limits: typeof DEFAULTS;

  constructor(private readonly options: WebhookListenerOptions) {
    this.limits = {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
      headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    };
  }

  async start(): Promise<void> {
    const { headersTimeoutMs, requestTimeoutMs } = this.limits;
    const server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
        maxHeaderSize: 16 * 1024,
        // Node checks the two timeouts above on this interval (30 s by default): check often enough
        // that a deadline of a few seconds holds.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
      },
      (req, res) => {
        const [rawPath] = (req.url ?? '').split('?');
        const subpath = this.subpathOf(rawPath ?? '');
        if (req.method !== 'POST' || subpath === undefined) return refuse(res, req, 404);
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.limits.maxBodyBytes) return refuse(res, req, 413);
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          if (res.headersSent) return;
          size += chunk.length;
          if (size > this.limits.maxBodyBytes) return refuse(res, req, 413);
          chunks.push(chunk);
        });
        req.on('end', () => {
          if (res.headersSent) return;
          const body = Buffer.concat(chunks);
          // Every answer closes its connection: deliveries are sporadic, and a kept-alive socket that
          // the server times out just as the sender reuses it fails that delivery (ECONNRESET).
          if (this.options.authorize && !this.options.authorize({ headers: req.headers, subpath, body }))
            return void res.writeHead(401, { connection: 'close' }).end();
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return void res.writeHead(400, { connection: 'close' }).end();
          }
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"ok":true}');
          this.options.onEvent(parsed);
        });
        req.on('error', () => undefined);
      },
    );
    // An idle connection (nothing sent at all) is cut like a slow one.
    server.setTimeout(requestTimeoutMs, (socket) => socket.destroy());
    // Headers too slow or too large, or not HTTP: answered once and closed.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status =
        err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : err.code === 'HPE_HEADER_OVERFLOW'
            ? '431 Request Header Fields Too Large'
            : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    this.address = server.address() as AddressInfo;
  }

  /** '' for the listener's own path, '/x' below it, undefined for anything else. */
  private subpathOf(path: string): string | undefined {
    const base = this.options.path.replace(/\/+$/, '');
    if (path === base || path === `${base}/`) return '';
    return path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
  }

  /** The URL of the listener itself (used when no public webhook URL is configured). */
  get url(): string {
    if (!this.address) throw new Error('webhook listener is not started');
    return `http://${this.options.host}:${this.address.port}${this.options.path}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Answers at once and closes the connection, so a refused body is never read to its end. */
function refuse(res: ServerResponse, req: IncomingMessage, status: number): void {
  res.writeHead(status, { connection: 'close' }).end(() => req.socket.destroy());
}

/** Equal in constant time: both sides are hashed first, so unequal lengths leak nothing either. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
