import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/clock';
import { verifySvix } from './svix';
import type { SeamEvent } from './types';

export interface WebhookReceiverOptions {
  host: string;
  port: number;
  /** The current webhook secret (it is known only after webhooks/create). */
  secret: () => string | undefined;
  onEvent: (event: SeamEvent) => void;
  logger: Logger;
  clock: Clock;
  toleranceSeconds: number;
  /** How many recent ids are remembered to drop duplicates. */
  dedupeSize?: number;
}

const MAX_BODY = 256 * 1024;

/**
 * The local listener Seam's webhooks reach (through whatever proxy the user runs). A delivery is
 * accepted only with a valid Svix signature inside the replay window; a delivery seen before (same
 * svix-id or event id, Svix retries resend both) is acknowledged and dropped.
 */
export class SeamWebhookReceiver {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly seen = new Set<string>();
  /** Counters for tests and diagnostics. */
  readonly stats = { accepted: 0, rejected: 0, duplicates: 0 };

  constructor(private readonly options: WebhookReceiverOptions) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${this.options.host}:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    const limit = this.options.dedupeSize ?? 2000;
    if (this.seen.size > limit) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number) => {
      if (!res.headersSent) res.writeHead(status).end();
    };
    try {
      if (req.method !== 'POST') return reply(405);
      const raw = await readLimited(req);
      if (raw === undefined) return reply(413);
      const secret = this.options.secret();
      if (!secret) return reply(503);
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const verdict = verifySvix(
        secret,
        { id: header('svix-id'), timestamp: header('svix-timestamp'), signature: header('svix-signature') },
        raw,
        this.options.clock.now(),
        this.options.toleranceSeconds,
      );
      if (!verdict.ok) {
        this.stats.rejected++;
        this.options.logger.warn(`Seam webhook rejected: ${verdict.reason}`);
        return reply(401);
      }
      let event: SeamEvent;
      try {
        event = JSON.parse(raw) as SeamEvent;
      } catch {
        this.stats.rejected++;
        return reply(400);
      }
      if (!event || typeof event !== 'object' || typeof event.event_type !== 'string') {
        this.stats.rejected++;
        return reply(400);
      }
      const svixId = header('svix-id') as string;
      const fresh = this.remember(`svix:${svixId}`);
      const freshEvent = typeof event.event_id === 'string' ? this.remember(`event:${event.event_id}`) : true;
      if (!fresh || !freshEvent) {
        this.stats.duplicates++;
        return reply(204);
      }
      this.stats.accepted++;
      reply(204);
      this.options.onEvent(event);
    } catch (err) {
      this.options.logger.warn(`Seam webhook handling failed: ${err instanceof Error ? err.name : 'error'}`);
      reply(500);
    }
  }
}

function readLimited(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
