import { HttpClient, type HttpRequest, type RetryPolicy } from '../../http';
import { LockbridgeError, type ErrorCode } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Redactor } from '../../core/redact';
import { systemClock, type Clock } from '../../core/clock';
import type { RequestBudget } from '../../http/budget';
import { UNLOC_JWT_EXPIRED, UNLOC_PATHS, UNLOC_V2_PATHS, fillPath, type UnlocApiVersion } from './paths';
import type {
  UnlocDuplicateInput,
  UnlocKey,
  UnlocKeyInput,
  UnlocLock,
  UnlocLockHolder,
  UnlocLockHolderInput,
  UnlocRole,
  UnlocTokenResponse,
} from './types';

export interface UnlocClientOptions {
  baseURL: string;
  clientId: string;
  clientSecret: string;
  /** v2 (projects) or v1 (the legacy Integrator API, lock holders). Default v1. */
  apiVersion?: UnlocApiVersion;
  budget?: RequestBudget;
  logger?: Logger;
  redactor?: Redactor;
  clock?: Clock;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Refresh a little before Unloc's expires_in, so a token never dies mid-request in the common case. */
const EXPIRY_MARGIN_MS = 60_000;

/** The reason attached to a 401 that means "JWT expired": the client refreshes once and retries. */
export const JWT_EXPIRED_REASON = 'jwt_expired';

/**
 * The Unloc Integrator API, 1:1. Tokens are fetched per scope with client credentials (integrator.admin,
 * lockHolder.admin:<id>, lockHolder.duplicateLocks:<id>), cached per scope until shortly before they
 * expire, and fetched again once when Unloc answers 401 "JWT expired".
 */
export class UnlocClient {
  readonly http: HttpClient;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly clock: Clock;

  constructor(private readonly options: UnlocClientOptions) {
    this.clock = options.clock ?? systemClock;
    options.redactor?.addSecret(options.clientSecret);
    this.http = new HttpClient({
      vendor: 'unloc',
      baseURL: options.baseURL,
      budget: options.budget,
      logger: options.logger,
      redactor: options.redactor,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      mapError: (status, body, request) => mapUnlocError(status, body, request, options.redactor),
    });
  }

  /** Scopes with a cached token (for tests and diagnostics; never the tokens). */
  get cachedScopes(): string[] {
    return [...this.tokens.keys()];
  }

  /** Forgets every cached token (the next call fetches new ones). */
  clearTokens(): void {
    this.tokens.clear();
  }

  async token(scope: string): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.clock.now()) return cached.token;
    // Concurrent callers for one scope share one token request.
    let pending = this.inflight.get(scope);
    if (!pending) {
      pending = this.fetchToken(scope).finally(() => this.inflight.delete(scope));
      this.inflight.set(scope, pending);
    }
    return pending;
  }

  get apiVersion(): UnlocApiVersion {
    return this.options.apiVersion ?? 'v1';
  }

  /** The token request: v1 takes the scope string (array for lock holder scopes), v2 scope + id. */
  private tokenRequest(scope: string): { url: string; data: Record<string, unknown> } {
    const credentials = {
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    };
    if (this.apiVersion === 'v2') {
      const [name, id] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
      const owner = name === 'organization.admin' ? { organization_id: id } : { project_id: id };
      return { url: UNLOC_V2_PATHS.token, data: { ...credentials, scope: name, ...owner } };
    }
    return {
      url: UNLOC_PATHS.token,
      data: { ...credentials, scope: scope === 'integrator.admin' ? scope : [scope] },
    };
  }

  private async fetchToken(scope: string): Promise<string> {
    const { url, data } = this.tokenRequest(scope);
    const res = await this.http.request<UnlocTokenResponse>({
      method: 'POST',
      url,
      data,
      // Asking for a token twice is harmless.
      idempotent: true,
    });
    const body = res.data;
    if (!body || typeof body.access_token !== 'string' || body.access_token.length === 0)
      throw new LockbridgeError('vendor_error', 'Unloc token answer has no access_token', {
        vendor: 'unloc',
      });
    this.options.redactor?.addSecret(body.access_token);
    const ttlMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.tokens.set(scope, { token: body.access_token, expiresAt: this.clock.now() + ttlMs });
    return body.access_token;
  }

  /** One authorised call; a 401 "JWT expired" drops the scope's token and retries once. */
  private async call<T>(scope: string, req: HttpRequest): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(scope);
      try {
        const res = await this.http.request<T>({
          ...req,
          headers: { ...req.headers, authorization: `Bearer ${token}` },
        });
        return res.data;
      } catch (err) {
        const expired =
          err instanceof LockbridgeError && err.reasons.some((r) => r.code === JWT_EXPIRED_REASON);
        if (!expired || attempt > 0) throw err;
        if (this.tokens.get(scope)?.token === token) this.tokens.delete(scope);
      }
    }
  }

  // -- lock holders (integrator.admin) --------------------------------------------------------------

  async listLockHolders(scope = 'integrator.admin'): Promise<UnlocLockHolder[]> {
    const body = await this.call<{ 'lock-holders'?: UnlocLockHolder[] }>(scope, {
      method: 'GET',
      url: UNLOC_PATHS.lockHolders,
    });
    return Array.isArray(body?.['lock-holders']) ? body['lock-holders'] : [];
  }

  async createLockHolder(input: UnlocLockHolderInput): Promise<UnlocLockHolder> {
    const body = await this.call<{ lockHolder: UnlocLockHolder }>('integrator.admin', {
      method: 'POST',
      url: UNLOC_PATHS.lockHolders,
      data: input,
      idempotent: false,
    });
    return body.lockHolder;
  }

  // -- locks (lockHolder.admin or lockHolder.duplicateLocks) ----------------------------------------

  /** In v2 the `lockHolderId` arguments below are project ids. */
  async listLocks(scope: string, lockHolderId: string): Promise<UnlocLock[]> {
    const url =
      this.apiVersion === 'v2'
        ? fillPath(UNLOC_V2_PATHS.locks, { projectId: lockHolderId })
        : fillPath(UNLOC_PATHS.locks, { lh: lockHolderId });
    const body = await this.call<{ locks?: UnlocLock[] }>(scope, { method: 'GET', url });
    return Array.isArray(body?.locks) ? body.locks : [];
  }

  async getLock(scope: string, lockHolderId: string, lockId: string): Promise<UnlocLock> {
    if (this.apiVersion === 'v2') {
      // No page documents a v2 path for one lock: the project's documented lock list is read instead.
      const lock = (await this.listLocks(scope, lockHolderId)).find((l) => l?.id === lockId);
      if (!lock)
        throw new LockbridgeError('not_found', `Unloc lock ${lockId} is not in project ${lockHolderId}`, {
          vendor: 'unloc',
          status: 404,
        });
      return lock;
    }
    const body = await this.call<{ lock: UnlocLock }>(scope, {
      method: 'GET',
      url: fillPath(UNLOC_PATHS.lock, { lh: lockHolderId, lockId }),
    });
    return body.lock;
  }

  /** [INF] path and answer. Not idempotent: a second call would make a second duplicate. */
  async duplicateLock(
    scope: string,
    lockHolderId: string,
    lockId: string,
    input: UnlocDuplicateInput,
  ): Promise<UnlocLock> {
    const body = await this.call<{ lock: UnlocLock }>(scope, {
      method: 'POST',
      url: fillPath(UNLOC_PATHS.duplicate, { lh: lockHolderId, lockId }),
      data: input,
      idempotent: false,
    });
    return body.lock;
  }

  /** [INF] path. Deleting twice answers 404 the second time, so a retry is harmless. */
  async deleteDuplicate(scope: string, lockHolderId: string, duplicateLockId: string): Promise<void> {
    await this.call<unknown>(scope, {
      method: 'DELETE',
      url: fillPath(UNLOC_PATHS.deleteDuplicate, { lh: lockHolderId, lockId: duplicateLockId }),
    });
  }

  // -- keys and roles (lockHolder.admin) ------------------------------------------------------------

  async listKeys(scope: string, lockHolderId: string, lockId: string): Promise<UnlocKey[]> {
    const v2 = this.apiVersion === 'v2';
    const body = await this.call<{ keys?: UnlocKey[] }>(scope, {
      method: 'GET',
      url: v2
        ? fillPath(UNLOC_V2_PATHS.keys, { projectId: lockHolderId })
        : fillPath(UNLOC_PATHS.keys, { lh: lockHolderId, lockId }),
      params: v2 ? { lockId } : undefined,
    });
    return (Array.isArray(body?.keys) ? body.keys : []).map(withRecipient);
  }

  /** Every key of a lock holder in one call. */
  async listHolderKeys(scope: string, lockHolderId: string): Promise<UnlocKey[]> {
    const body = await this.call<{ keys?: UnlocKey[] }>(scope, {
      method: 'GET',
      url: fillPath(UNLOC_PATHS.holderKeys, { lh: lockHolderId }),
    });
    return Array.isArray(body?.keys) ? body.keys : [];
  }

  async createKey(
    scope: string,
    lockHolderId: string,
    lockId: string,
    input: UnlocKeyInput,
  ): Promise<UnlocKey> {
    if (this.apiVersion === 'v2') {
      // v2 creates keys in bulk on the project and names the person appUserId (managing-keys).
      const { userId, ...rest } = input;
      const body = await this.call<{ keys?: UnlocKey[] } | UnlocKey>(scope, {
        method: 'POST',
        url: fillPath(UNLOC_V2_PATHS.keys, { projectId: lockHolderId }),
        data: { keys: [{ lockId, appUserId: userId, ...rest }] },
        idempotent: false,
      });
      const key = 'keys' in body && Array.isArray(body.keys) ? body.keys[0] : (body as UnlocKey);
      if (!key || typeof key.id !== 'string')
        throw new LockbridgeError('vendor_error', 'Unloc answered the key creation without a key', {
          vendor: 'unloc',
        });
      return withRecipient(key);
    }
    const body = await this.call<UnlocKey | { key: UnlocKey }>(scope, {
      method: 'POST',
      url: fillPath(UNLOC_PATHS.keys, { lh: lockHolderId, lockId }),
      data: input,
      idempotent: false,
    });
    return withRecipient('key' in body ? body.key : body);
  }

  /** [INF] v1: DELETE on the key; v2: the bulk DELETE on the project's keys with {keyIds}. */
  async revokeKey(scope: string, lockHolderId: string, lockId: string, keyId: string): Promise<void> {
    if (this.apiVersion === 'v2') {
      await this.call<unknown>(scope, {
        method: 'DELETE',
        url: fillPath(UNLOC_V2_PATHS.keys, { projectId: lockHolderId }),
        data: { keyIds: [keyId] },
      });
      return;
    }
    await this.call<unknown>(scope, {
      method: 'DELETE',
      url: fillPath(UNLOC_PATHS.key, { lh: lockHolderId, lockId, keyId }),
    });
  }

  async listRoles(scope: string, lockHolderId: string, lockId: string): Promise<UnlocRole[]> {
    const body = await this.call<{ roles?: UnlocRole[] }>(scope, {
      method: 'GET',
      url: fillPath(UNLOC_PATHS.roles, { lh: lockHolderId, lockId }),
    });
    return Array.isArray(body?.roles) ? body.roles : [];
  }

  async putRole(
    scope: string,
    lockHolderId: string,
    lockId: string,
    userId: string,
    input: { userName: string; canShare: boolean },
  ): Promise<UnlocRole> {
    const body = await this.call<{ role: UnlocRole }>(scope, {
      method: 'PUT',
      url: fillPath(UNLOC_PATHS.role, { lh: lockHolderId, lockId, userId }),
      data: input,
    });
    return body.role;
  }

  async addKeyEventWebhook(
    scope: string,
    lockHolderId: string,
    lockId: string,
    webhookUrl: string,
  ): Promise<void> {
    const v2 = this.apiVersion === 'v2';
    await this.call<unknown>(scope, {
      method: 'POST',
      url: v2
        ? fillPath(UNLOC_V2_PATHS.webhooks, { projectId: lockHolderId })
        : fillPath(UNLOC_PATHS.keyEventWebhooks, { lh: lockHolderId, lockId }),
      // webhooks-guide (v2) / key-events-webhook (v1).
      data: v2 ? { trigger: 'accessEvent', url: webhookUrl, lockId } : { webhookUrl },
      // Registering the same URL twice is harmless for us (the driver dedupes events by id).
      idempotent: true,
    });
  }
}

/** v2 keys may name the person appUserId rather than toUser: either way, toUser.id is filled. */
function withRecipient(key: UnlocKey): UnlocKey {
  if (!key || typeof key !== 'object') return key;
  const appUserId = (key as { appUserId?: unknown }).appUserId;
  if (key.toUser && typeof key.toUser.id === 'string') return key;
  return typeof appUserId === 'string' ? { ...key, toUser: { id: appUserId } } : key;
}

const UNLOC_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'auth_failed',
  403: 'forbidden',
  404: 'not_found',
  409: 'invalid_input',
  422: 'invalid_input',
};

/** Maps Unloc's {error, errorDescription} answers; the description is redacted and shortened. */
export function mapUnlocError(
  status: number,
  body: unknown,
  request: HttpRequest,
  redactor?: Redactor,
): LockbridgeError | undefined {
  // 5xx and 429 keep the default mapping (retryable, with Retry-After).
  if ((status >= 500 && status !== 501) || status === 429) return undefined;
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const description = typeof b.errorDescription === 'string' ? b.errorDescription : undefined;
  const error = typeof b.error === 'string' ? b.error : undefined;
  const expired = status === 401 && (description ?? '').includes(UNLOC_JWT_EXPIRED);
  const code = UNLOC_STATUS_CODES[status] ?? (status === 501 ? 'not_supported' : 'vendor_error');
  const detail = (description ?? error ?? '').slice(0, 200);
  const safeDetail = redactor ? redactor.text(detail) : detail;
  const path = request.url.split('?')[0];
  return new LockbridgeError(
    code,
    `Unloc answered ${status} to ${request.method.toUpperCase()} ${path}${safeDetail ? `: ${safeDetail}` : ''}`,
    {
      status,
      vendor: 'unloc',
      reasons: expired ? [{ code: JWT_EXPIRED_REASON, message: 'The access token has expired' }] : [],
    },
  );
}
