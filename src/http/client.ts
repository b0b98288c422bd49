import axios, { type AxiosInstance, type AxiosResponse, type Method, AxiosError } from 'axios';
import { randomUUID } from 'node:crypto';
import { LockbridgeError, type ErrorCode } from '../core/errors';
import { type Logger, silentLogger } from '../core/logger';
import { Redactor } from '../core/redact';
import { sleep } from '../core/clock';
import { OUTCOME_UNKNOWN, type CommandDeadline } from '../core/deadline';
import type { RequestBudget } from './budget';
import {
  DEFAULT_RETRY,
  backoffMs,
  isRetryable,
  parseRetryAfter,
  type FailureKind,
  type RetryPolicy,
} from './retry';

export interface HttpRequest {
  method: Method;
  /** Path relative to the base URL. */
  url: string;
  params?: Record<string, string | number | boolean | undefined>;
  data?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether sending the request twice is harmless. Defaults to true for GET, HEAD, OPTIONS, PUT and
   * DELETE; a driver sets false for a PUT that unlocks, and true for a POST made safe by a request id.
   */
  idempotent?: boolean;
  timeoutMs?: number;
  /** Per-request retry count override (0 disables retries). */
  retries?: number;
  signal?: AbortSignal;
  /**
   * The deadline of the lock command this request acts for. Nothing is written after it: the client
   * checks it after every wait (budget token, Retry-After, backoff) and just before the socket write,
   * and its signal ends an unanswered request at the deadline. Writing the request marks the
   * command's outcome as unknown until an answer says the vendor did nothing.
   */
  deadline?: CommandDeadline;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
  requestId: string;
}

/** Turns a vendor's error answer into a LockbridgeError; return undefined for the default mapping. */
export type ErrorMapper = (
  status: number,
  body: unknown,
  request: HttpRequest,
) => LockbridgeError | undefined;

export interface HttpClientOptions {
  vendor: string;
  baseURL: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  budget?: RequestBudget;
  logger?: Logger;
  /** The account's redactor, which knows its secrets. */
  redactor?: Redactor;
  /** Headers sent on every request (auth is usually added per request by the driver). */
  headers?: Record<string, string>;
  mapError?: ErrorMapper;
  /**
   * The longest a retry may wait (default 10 s). When a vendor asks for more (a long Retry-After), the
   * request fails at once with rate_limited and its retryAfterMs, so the caller backs off instead of
   * holding the request open.
   */
  maxRetryWaitMs?: number;
  /** For tests: deterministic jitter. */
  random?: () => number;
}

const DEFAULT_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'auth_failed',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  409: 'code_conflict',
  422: 'invalid_input',
  423: 'lock_busy',
  429: 'rate_limited',
  501: 'not_supported',
  502: 'vendor_unavailable',
  503: 'vendor_unavailable',
  504: 'vendor_unavailable',
};

export function defaultErrorCode(status: number): ErrorCode {
  return DEFAULT_STATUS_CODES[status] ?? (status >= 500 ? 'vendor_unavailable' : 'vendor_error');
}

function isIdempotentMethod(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method.toUpperCase());
}

/**
 * The one HTTP layer every vendor client uses: a timeout per request, retry with backoff and jitter
 * where it is safe, 429 Retry-After honoured account-wide, a request budget, request ids, and errors
 * that never carry a secret.
 */
export class HttpClient {
  private readonly axios: AxiosInstance;
  readonly budget?: RequestBudget;
  private readonly logger: Logger;
  readonly redactor: Redactor;
  /** Requests actually sent (after budget), for tests and benchmarks. */
  sent = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.axios = axios.create({
      baseURL: options.baseURL,
      headers: options.headers,
      // We map every status ourselves.
      validateStatus: () => true,
      // Proxies from the environment would send loopback test traffic elsewhere.
      proxy: false,
      maxRedirects: 0,
    });
    this.budget = options.budget;
    this.logger = options.logger ?? silentLogger;
    this.redactor = options.redactor ?? new Redactor();
  }

  get baseURL(): string {
    return this.options.baseURL;
  }

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const requestId = randomUUID();
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const retries = req.retries ?? policy.retries;
    const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
    const what = `${req.method.toUpperCase()} ${req.url.split('?')[0]}`;

    const deadline = req.deadline;
    const signal = anySignal(req.signal, deadline?.signal);
    // The deadline's answer wins over a plain abort: it knows whether anything was sent.
    const aborted = () =>
      deadline?.passed()
        ? deadline.error()
        : new LockbridgeError('timeout', `${this.options.vendor} request aborted`, {
            vendor: this.options.vendor,
            requestId,
          });
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw aborted();
      deadline?.check();
      if (this.budget) {
        // A wait that cannot end before the deadline (a 429 pause of the account) is refused at once.
        if (deadline && this.budget.delayMs() >= deadline.sendableMs()) throw deadline.error();
        try {
          await this.budget.take(signal);
        } catch (err) {
          if (signal?.aborted) throw aborted();
          throw err;
        }
      }
      // The last check before the socket write: nothing goes out that would reach the vendor after
      // the deadline (the send margin is the time a request takes to arrive).
      deadline?.checkSend();
      let failure: FailureKind;
      let mapped: LockbridgeError;
      const started = Date.now();
      try {
        this.sent++;
        deadline?.noteSent();
        const res: AxiosResponse = await this.axios.request({
          method: req.method,
          url: req.url,
          params: req.params,
          data: req.data,
          headers: { 'x-request-id': requestId, ...req.headers },
          timeout: req.timeoutMs ?? this.options.timeoutMs ?? 15_000,
          signal,
        });
        const headers = normalizeHeaders(res.headers);
        this.logger.debug(
          `${this.options.vendor} ${what} -> ${res.status} (${Date.now() - started} ms, ${requestId})`,
        );
        if (res.status < 400) {
          this.budget?.noteSuccess();
          return { status: res.status, data: res.data as T, headers, requestId };
        }
        this.budget?.noteFailure();
        // A 4xx answer (but a 408) says the vendor did not act on it.
        if (res.status < 500 && res.status !== 408) deadline?.noteRefused();
        const retryAfterMs = parseRetryAfter(headers['retry-after']);
        if (res.status === 429)
          this.budget?.pause(retryAfterMs ?? backoffMs(attempt, policy, undefined, this.options.random));
        failure = { kind: 'status', status: res.status, retryAfterMs };
        mapped = this.mapStatus(res.status, res.data, req, requestId, retryAfterMs);
      } catch (err) {
        if (signal?.aborted) throw aborted();
        failure = classifyTransportError(err);
        this.budget?.noteFailure();
        if (failure.kind === 'refused') deadline?.noteRefused();
        mapped = transportError(this.options.vendor, failure, what, requestId, err, idempotent);
        this.logger.debug(`${this.options.vendor} ${what} failed: ${failure.kind} (${requestId})`);
      }
      if (attempt >= retries || !isRetryable(failure, idempotent)) throw mapped;
      const retryAfter = failure.kind === 'status' ? failure.retryAfterMs : undefined;
      const delay = backoffMs(attempt, policy, retryAfter, this.options.random);
      if (delay > (this.options.maxRetryWaitMs ?? 10_000)) throw mapped;
      // A retry that could only go out after the deadline is not waited for.
      if (deadline && delay >= deadline.remainingMs()) throw deadline.error();
      this.logger.debug(`${this.options.vendor} ${what}: retry ${attempt + 1}/${retries} in ${delay} ms`);
      try {
        await sleep(delay, signal);
      } catch {
        throw aborted();
      }
    }
  }

  private mapStatus(
    status: number,
    body: unknown,
    req: HttpRequest,
    requestId: string,
    retryAfterMs?: number,
  ): LockbridgeError {
    const custom = this.options.mapError?.(status, body, req);
    if (custom) return custom;
    const code = defaultErrorCode(status);
    return new LockbridgeError(
      code,
      `${this.options.vendor} answered ${status} to ${req.method.toUpperCase()} ${safePath(req.url)}`,
      {
        status,
        vendor: this.options.vendor,
        retryAfterMs,
        requestId,
        retryable: code === 'rate_limited' || code === 'vendor_unavailable',
      },
    );
  }
}

/** The path without ids that may be secret-ish (query strings are dropped entirely). */
function safePath(url: string): string {
  return url.split('?')[0];
}

function normalizeHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return out;
}

export function classifyTransportError(err: unknown): FailureKind {
  const code = err instanceof AxiosError ? err.code : (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return { kind: 'refused' };
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') return { kind: 'timeout' };
  return { kind: 'reset' };
}

function transportError(
  vendor: string,
  failure: FailureKind,
  what: string,
  requestId: string,
  cause: unknown,
  idempotent: boolean,
): LockbridgeError {
  // A request that acts once (an unlock) and got no answer may or may not have acted.
  const unknown = !idempotent && failure.kind !== 'refused';
  const reasons = unknown
    ? [{ code: OUTCOME_UNKNOWN, message: 'Sent to the vendor; no answer came' }]
    : undefined;
  if (failure.kind === 'timeout') {
    return new LockbridgeError(
      'timeout',
      `${vendor} did not answer ${what} in time${unknown ? '; outcome unknown' : ''}`,
      { vendor, requestId, cause, reasons },
    );
  }
  // A connection that dropped after the request went out is, for the caller, the same situation as
  // no answer: the vendor may have acted. One code for it (`timeout` + outcome_unknown), so users and
  // the hub (which then shows UNKNOWN instead of the old state) treat both alike.
  if (unknown)
    return new LockbridgeError('timeout', `${vendor} connection dropped on ${what}; outcome unknown`, {
      vendor,
      requestId,
      cause,
      reasons,
    });
  return new LockbridgeError('vendor_unavailable', `${vendor} connection failed on ${what}`, {
    vendor,
    requestId,
    retryable: true,
    cause,
  });
}

/** One signal that aborts when any of the given ones does. */
function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
