import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebhookListenerOptions {
  host: string;
  port: number;
  path: string;
  /** Checks a delivery's headers (a static bearer, a shared secret); false answers 401. */
  authorize?(headers: IncomingHttpHeaders): boolean;
  /** Called with each parsed JSON body; the vendor gets 200 for every well-formed, authorized POST. */
  onEvent(body: unknown): void;
}

const MAX_BODY = 64 * 1024;

/**
 * A small HTTP listener for vendor webhooks (Unloc key events, SmartphoneKey EventBridge deliveries).
 * It accepts only POST on its path with a JSON body, answers at once, and never lets a bad body reach
 * the process: oversized bodies get 413, malformed ones 400, unauthorized ones 401.
 */
export class WebhookListener {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private address?: AddressInfo;

  constructor(private readonly options: WebhookListenerOptions) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || path !== this.options.path) {
        res.writeHead(404).end();
        req.resume();
        return;
      }
      if (this.options.authorize && !this.options.authorize(req.headers)) {
        res.writeHead(401).end();
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          res.writeHead(413).end();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (res.writableEnded) return;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        this.options.onEvent(body);
      });
      req.on('error', () => undefined);
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
