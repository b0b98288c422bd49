import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector } from './faults';

export interface EmuRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (or undefined when empty); form bodies are parsed into an object too. */
  body: unknown;
  rawBody: string;
  /** Aborted when the client goes away before the answer (long-polls stop waiting). */
  signal?: AbortSignal;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type EmuHandler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

/** A long-lived response (server-sent events, chunked streams) that the handler writes itself. */
export type EmuStreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Thrown by handlers; the server renders it in the vendor's own error shape. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How a vendor shapes its error bodies, e.g. Seam's {error:{type,message},ok:false}. */
export type ErrorShape = (status: number, message: string, extra: Record<string, unknown>) => unknown;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** When the request arrived (epoch ms), before any injected latency: the vendor-side arrival. */
  at: number;
  /** The status it was answered with, or 'dropped' (unset while the request is still being handled). */
  status?: number | 'dropped';
}

/** What GET /_emulator/requests shows of a recorded request: no headers or bodies (they hold secrets). */
export interface RecordedArrival {
  method: string;
  path: string;
  at: number;
  status?: number | 'dropped';
}

interface Route {
  method: string;
  segments: string[];
  handler: EmuHandler;
}

export interface EmulatorServerOptions {
  name: string;
  errorShape: ErrorShape;
  /** Keep the last N requests for tests (default 1000). */
  recordLimit?: number;
}

/**
 * The kit every vendor emulator is built on: node:http on 127.0.0.1 and port 0, routing with :params,
 * JSON bodies, errors in the vendor's shape, a request log, and fault injection (latency, error
 * statuses, 429 with Retry-After, dropped connections) controllable from tests, and over HTTP at
 * /_emulator/faults for people trying the sandbox.
 */
export class EmulatorServer {
  readonly faults = new FaultInjector();
  readonly requests: RecordedRequest[] = [];
  /** How many requests the log keeps (the oldest go first); a chaos run raises it. */
  recordLimit: number;
  private readonly routes: Route[] = [];
  private readonly streams = new Map<string, EmuStreamHandler>();
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private baseUrl?: string;

  constructor(private readonly options: EmulatorServerOptions) {
    this.recordLimit = options.recordLimit ?? 1000;
  }

  get name(): string {
    return this.options.name;
  }

  route(method: string, pattern: string, handler: EmuHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** Registers a streaming route (exact path, no params); the handler owns the response. */
  stream(method: string, path: string, handler: EmuStreamHandler): this {
    this.streams.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  /** Requests matching a method and a path prefix or pattern (for assertions). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === method.toUpperCase() && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  /** The node:http server, for emulators that add a websocket upgrade handler. */
  get httpServer(): Server | undefined {
    return this.server;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.options.name} emulator is not listening`);
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const stream = this.streams.get(
        `${(req.method ?? 'GET').toUpperCase()} ${(req.url ?? '/').split('?')[0]}`,
      );
      if (stream) return stream(req, res);
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://emulator');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const method = (req.method ?? 'GET').toUpperCase();
      let body: unknown;
      try {
        body = parseBody(rawBody, headers['content-type']);
      } catch {
        return this.send(res, this.errorResponse(new EmulatorHttpError(400, 'Malformed JSON body')));
      }
      if (url.pathname.startsWith('/_emulator/'))
        return this.send(res, this.control(method, url.pathname, body, url.searchParams));

      const recorded: RecordedRequest = { method, path: url.pathname, headers, body, at: Date.now() };
      this.requests.push(recorded);
      if (this.requests.length > this.recordLimit)
        this.requests.splice(0, this.requests.length - this.recordLimit);
      res.once('finish', () => (recorded.status = res.statusCode));

      const fault = this.faults.take(method, url.pathname);
      if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault?.drop) {
        recorded.status = 'dropped';
        req.socket.destroy();
        return;
      }
      if (fault?.status) {
        const headersOut: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined)
          headersOut['retry-after'] = String(fault.retryAfterSeconds);
        return this.send(
          res,
          this.errorResponse(
            new EmulatorHttpError(
              fault.status,
              fault.message ?? 'Injected fault',
              fault.extra ?? {},
              headersOut,
            ),
          ),
        );
      }

      const match = this.match(method, url.pathname);
      if (!match)
        return this.send(
          res,
          this.errorResponse(new EmulatorHttpError(404, `No route for ${method} ${url.pathname}`)),
        );
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableEnded) gone.abort();
      });
      const response = await match.route.handler({
        signal: gone.signal,
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers,
        body,
        rawBody,
      });
      if (fault?.holdAnswerMs) await new Promise((r) => setTimeout(r, fault.holdAnswerMs));
      this.send(res, response);
    } catch (err) {
      if (err instanceof EmulatorHttpError) return this.send(res, this.errorResponse(err));
      this.send(res, this.errorResponse(new EmulatorHttpError(500, 'Internal emulator error')));
    }
  }

  private errorResponse(err: EmulatorHttpError): EmuResponse {
    return {
      status: err.status,
      body: this.options.errorShape(err.status, err.message, err.extra),
      headers: err.headers,
    };
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method && !(route.method === '*')) continue;
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(parts[i]);
        else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  /**
   * HTTP control, for the sandbox and for tests in another process: POST /_emulator/faults {status,
   * count, ...}, DELETE /_emulator/faults, and GET /_emulator/requests?since=<epoch ms>: the recorded
   * arrivals (method, path, time, answer status) at or after `since`, oldest first.
   */
  private control(method: string, path: string, body: unknown, query: URLSearchParams): EmuResponse {
    if (path === '/_emulator/requests' && method === 'GET') {
      const since = Number(query.get('since') ?? 0);
      if (!Number.isFinite(since))
        return { status: 400, body: { error: 'since must be epoch milliseconds' } };
      const requests: RecordedArrival[] = this.requests
        .filter((r) => r.at >= since)
        .map(({ method: m, path: p, at, status }) => ({ method: m, path: p, at, status }));
      return { status: 200, body: { requests } };
    }
    if (path === '/_emulator/faults' && method === 'POST') {
      const b = (body ?? {}) as Record<string, unknown>;
      this.faults.add({
        count: typeof b.count === 'number' ? b.count : 1,
        status: typeof b.status === 'number' ? b.status : undefined,
        latencyMs: typeof b.latencyMs === 'number' ? b.latencyMs : undefined,
        holdAnswerMs: typeof b.holdAnswerMs === 'number' ? b.holdAnswerMs : undefined,
        drop: b.drop === true,
        retryAfterSeconds: typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : undefined,
        path: typeof b.path === 'string' ? new RegExp(b.path) : undefined,
        method: typeof b.method === 'string' ? b.method : undefined,
      });
      return { status: 200, body: { ok: true } };
    }
    if (path === '/_emulator/faults' && method === 'DELETE') {
      this.faults.clear();
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: { error: 'unknown control route' } };
  }

  private send(res: ServerResponse, response: EmuResponse): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...response.headers };
    let payload = '';
    if (response.body !== undefined) {
      payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      if (!headers['content-type']) {
        headers['content-type'] =
          typeof response.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
      }
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) {
        reject(new EmulatorHttpError(413, 'Body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType = ''): unknown {
  if (!raw) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw);
}
