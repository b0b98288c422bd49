import { HttpClient, type HttpRequest, type RetryPolicy } from '../../http';
import { LockbridgeError, type ErrorCode } from '../../core/errors';
import type { CommandDeadline } from '../../core/deadline';
import type { Logger } from '../../core/logger';
import type { Redactor } from '../../core/redact';
import type { RequestBudget } from '../../http/budget';
import { SPK_PATHS, fillPath } from './paths';
import type {
  SpkAccessibleLock,
  SpkBasicInfo,
  SpkDetails,
  SpkEnvelope,
  SpkEventsPage,
  SpkOpenLockData,
  SpkOwnedLock,
} from './types';

export interface SpkClientOptions {
  baseURL: string;
  /** B2B organisation key (X-API-Key) ... */
  apiKey?: string;
  /** ... or a B2C user JWT (Bearer). */
  jwt?: string;
  budget?: RequestBudget;
  logger?: Logger;
  redactor?: Redactor;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

/** Marks the 502 "Failed to update device shadow" so the driver can say what happened. */
export const SHADOW_FAILED_REASON = 'shadow_update_failed';

/**
 * The SmartphoneKey API, 1:1. Auth is an X-API-Key or a Bearer JWT: the docs say to send one or the
 * other, so the client sends the API key when it has one, else the JWT.
 */
export class SmartphoneKeyClient {
  readonly http: HttpClient;
  private readonly auth: Record<string, string>;

  constructor(options: SpkClientOptions) {
    if (!options.apiKey && !options.jwt)
      throw new LockbridgeError('invalid_config', 'SmartphoneKey needs an apiKey or a jwt');
    options.redactor?.addSecret(options.apiKey);
    options.redactor?.addSecret(options.jwt);
    this.auth = options.apiKey ? { 'x-api-key': options.apiKey } : { authorization: `Bearer ${options.jwt}` };
    this.http = new HttpClient({
      vendor: 'smartphonekey',
      baseURL: options.baseURL,
      budget: options.budget,
      logger: options.logger,
      redactor: options.redactor,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      mapError: (status, body, request) => mapSpkError(status, body, request, options.redactor),
    });
  }

  private async call<T>(req: HttpRequest): Promise<T> {
    const res = await this.http.request<T>({ ...req, headers: { ...req.headers, ...this.auth } });
    return res.data;
  }

  /**
   * Opens the lock through its device shadow. Marked idempotent only because SmartphoneKey dedupes by
   * requestId: a retry after a 502 or a lost answer carries the same body, so the same requestId, and
   * cannot open twice. The caller makes the requestId: ours, one per command.
   */
  openLock(
    lockId: string,
    body: { requestId: string; reason?: string },
    options: { signal?: AbortSignal; deadline?: CommandDeadline; retries?: number } = {},
  ): Promise<SpkEnvelope<SpkOpenLockData>> {
    return this.call({
      method: 'POST',
      url: fillPath(SPK_PATHS.openLock, { id: lockId }),
      data: body,
      idempotent: true,
      signal: options.signal,
      deadline: options.deadline,
      retries: options.retries,
    });
  }

  basicInfo(lockId: string): Promise<SpkBasicInfo> {
    return this.call({ method: 'GET', url: fillPath(SPK_PATHS.basicInfo, { id: lockId }) });
  }

  details(lockId: string): Promise<SpkDetails> {
    return this.call({ method: 'GET', url: fillPath(SPK_PATHS.details, { id: lockId }) });
  }

  events(lockId: string, page?: number): Promise<SpkEventsPage> {
    return this.call({
      method: 'GET',
      url: fillPath(SPK_PATHS.events, { id: lockId }),
      params: page !== undefined ? { page } : undefined,
    });
  }

  /** Not idempotent: a second AddKey of the same key is refused, and we would not know which won. */
  addKey(
    lockId: string,
    body: { keyUuid: string; keyIndexNumber?: number; userId?: string },
  ): Promise<SpkEnvelope> {
    return this.call({
      method: 'POST',
      url: fillPath(SPK_PATHS.addKey, { id: lockId }),
      data: body,
      idempotent: false,
    });
  }

  removeKey(lockId: string, body: { keyUuid?: string; keyIndexNumber?: number }): Promise<SpkEnvelope> {
    return this.call({
      method: 'POST',
      url: fillPath(SPK_PATHS.removeKey, { id: lockId }),
      data: body,
      idempotent: false,
    });
  }

  async ownedLocks(userId: string, options: { signal?: AbortSignal } = {}): Promise<SpkOwnedLock[]> {
    const body = await this.call<{ locks?: SpkOwnedLock[] }>({
      method: 'GET',
      url: fillPath(SPK_PATHS.ownedLocks, { userId }),
      signal: options.signal,
    });
    return Array.isArray(body?.locks) ? body.locks : [];
  }

  async accessibleLocks(userId: string): Promise<SpkAccessibleLock[]> {
    const body = await this.call<{ locks?: SpkAccessibleLock[] }>({
      method: 'GET',
      url: fillPath(SPK_PATHS.accessibleLocks, { userId }),
    });
    return Array.isArray(body?.locks) ? body.locks : [];
  }
}

const SPK_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'auth_failed',
  403: 'forbidden',
  404: 'not_found',
  409: 'invalid_input',
};

/**
 * SmartphoneKey errors come in three shapes ({error, message, code}, {success:false, error, message},
 * {success:false, errors:[{code, message}]}); the message is redacted and shortened. A 502 keeps the
 * default (retryable) mapping, with a reason saying the device shadow was not updated.
 */
export function mapSpkError(
  status: number,
  body: unknown,
  request: HttpRequest,
  redactor?: Redactor,
): LockbridgeError | undefined {
  if (status === 429 || (status >= 500 && status !== 502)) return undefined;
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const first = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
  const raw =
    typeof b.message === 'string' ? b.message : typeof first?.message === 'string' ? first.message : '';
  const detail = (redactor ? redactor.text(raw) : raw).slice(0, 200);
  const path = request.url.split('?')[0];
  if (status === 502) {
    return new LockbridgeError(
      'vendor_unavailable',
      `SmartphoneKey answered 502 to ${request.method.toUpperCase()} ${path}${detail ? `: ${detail}` : ''}`,
      {
        status,
        vendor: 'smartphonekey',
        retryable: true,
        reasons: /shadow/i.test(raw)
          ? [{ code: SHADOW_FAILED_REASON, message: 'The device shadow was not updated' }]
          : [],
      },
    );
  }
  const code = SPK_STATUS_CODES[status] ?? 'vendor_error';
  return new LockbridgeError(
    code,
    `SmartphoneKey answered ${status} to ${request.method.toUpperCase()} ${path}${detail ? `: ${detail}` : ''}`,
    { status, vendor: 'smartphonekey' },
  );
}
