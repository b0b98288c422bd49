import { HttpClient, type HttpRequest, type HttpResponse } from '../../http/client';
import type { RequestBudget } from '../../http/budget';
import type { RetryPolicy } from '../../http/retry';
import type { CommandDeadline } from '../../core/deadline';
import type { Logger } from '../../core/logger';
import type { Redactor } from '../../core/redact';
import { COMMON_HEADERS, freshTokenFrom, type BrandConfig } from './brands';
import { mapAugustError } from './errors';
import {
  ACCEPT_VERSION,
  AUGUST_PATHS,
  type LockUserType,
  type RemoteCommand,
  type ValidationKind,
} from './paths';
import type {
  AugustActivity,
  AugustCapabilities,
  AugustHouse,
  AugustHouseSummary,
  AugustLockDetail,
  AugustLockList,
  AugustPin,
  AugustPinCommand,
  AugustPinsByState,
  AugustRemoteOperateResult,
  AugustReservation,
  AugustSession,
  AugustStatusResponse,
  AugustSubUser,
  AugustSubscriber,
  AugustSuccess,
} from './types';

export interface AugustClientOptions {
  brand: BrandConfig;
  baseUrl: string;
  apiKey: string;
  budget?: RequestBudget;
  redactor?: Redactor;
  logger?: Logger;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Called with every fresh token the API hands back (x-august-access-token / x-access-token). */
  onToken?: (token: string) => void;
}

export interface RemoteOperateOptions {
  /** 1: PUT /remoteoperate/{id}/{command}; 2: the same with accept-version 2.0.0. */
  version?: 1 | 2;
  /** sync (default) answers with the result; async answers 202 and sends it to the webhook. */
  type?: 'sync' | 'async';
  retryLimit?: 1 | 2 | 3;
  notificationType?: 'pubnub' | 'websocket';
  webhook?: string | null;
  extendedfunction?: { function: string; parameters?: Record<string, unknown> };
  /** False for unlock/unlatch: never sent twice. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** The command's deadline: the HTTP layer sends nothing after it. */
  deadline?: CommandDeadline;
  requestId?: string;
  timeoutMs?: number;
}

/**
 * The August/Yale REST API, one method per operation (august-yale-api.txt, vendor-apis.md section 1).
 * It knows headers and paths; tokens, retries of auth and mapping live in the driver.
 */
export class AugustClient {
  readonly http: HttpClient;
  private token?: string;

  constructor(private readonly options: AugustClientOptions) {
    options.redactor?.addSecret(options.apiKey);
    const names = options.brand.headers;
    const headers: Record<string, string> = {
      ...COMMON_HEADERS,
      'accept-version': ACCEPT_VERSION.default,
      [names.apiKey]: options.apiKey,
      [names.branding]: options.brand.branding,
    };
    if (names.legacyApiKey) headers[names.legacyApiKey] = options.apiKey;
    this.http = new HttpClient({
      vendor: 'august',
      baseURL: options.baseUrl,
      headers,
      budget: options.budget,
      redactor: options.redactor,
      logger: options.logger,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      mapError: mapAugustError,
    });
  }

  get accessToken(): string | undefined {
    return this.token;
  }

  setToken(token: string | undefined): void {
    this.token = token;
    this.options.redactor?.addSecret(token);
  }

  private async call<T>(req: HttpRequest, auth = true): Promise<HttpResponse<T>> {
    const headers = { ...req.headers };
    if (auth && this.token) headers[this.options.brand.headers.accessToken] = this.token;
    const res = await this.http.request<T>({ ...req, headers });
    // Login answers carry the new session's token; the caller decides what to do with it.
    const fresh = auth ? freshTokenFrom(res.headers, this.options.brand.headers) : undefined;
    if (fresh && fresh !== this.token) {
      this.setToken(fresh);
      this.options.onToken?.(fresh);
    }
    return res;
  }

  // -- session -------------------------------------------------------------------------------------

  /** POST /session. The token comes back in a header; vInstallId false means two-factor is needed. */
  async login(
    installId: string,
    identifier: string,
    password: string,
  ): Promise<{ session: AugustSession; token: string }> {
    this.options.redactor?.addSecret(password);
    const res = await this.call<AugustSession>(
      {
        method: 'POST',
        url: AUGUST_PATHS.session(),
        data: { installId, identifier, password },
        idempotent: true,
      },
      false,
    );
    const token = freshTokenFrom(res.headers, this.options.brand.headers) ?? this.token;
    if (!token) throw new Error('August login answered without a token');
    return { session: res.data, token };
  }

  async requestValidationCode(kind: ValidationKind, value: string): Promise<void> {
    await this.call({
      method: 'POST',
      url: AUGUST_PATHS.requestValidation(kind),
      data: { value },
      idempotent: true,
    });
  }

  async validate(kind: ValidationKind, value: string, code: string): Promise<void> {
    await this.call({
      method: 'POST',
      url: AUGUST_PATHS.validate(kind),
      data: { code, [kind]: value },
      idempotent: true,
    });
  }

  /** UNVERIFIED_AUGUST_OPERATIONS.logout: ends every token of this install. */
  async logout(installId: string, apnsDeviceId: string): Promise<void> {
    await this.call({
      method: 'POST',
      url: AUGUST_PATHS.logout(),
      data: { apnsDeviceID: apnsDeviceId, installID: installId },
    });
  }

  // -- houses and locks ----------------------------------------------------------------------------

  async getHouses(
    query: { houseID?: string; hideIntegrationMode?: boolean; clientSerial?: string } = {},
  ): Promise<AugustHouseSummary[]> {
    return (
      await this.call<AugustHouseSummary[]>({ method: 'GET', url: AUGUST_PATHS.myHouses(), params: query })
    ).data;
  }

  async getHouse(houseId: string): Promise<AugustHouse> {
    return (await this.call<AugustHouse>({ method: 'GET', url: AUGUST_PATHS.house(houseId) })).data;
  }

  /**
   * GET /houses/{id}/activities with Accept-Version 4.0.0 and ?limit (yalexs api_common.py). The answer
   * is an array of entries, or `{events: [...]}` (yalexs _process_activity_json reads both).
   */
  async getHouseActivities(houseId: string, limit: number, signal?: AbortSignal): Promise<AugustActivity[]> {
    const res = await this.call<AugustActivity[] | { events?: AugustActivity[] }>({
      method: 'GET',
      url: AUGUST_PATHS.houseActivities(houseId),
      params: { limit },
      headers: { 'accept-version': ACCEPT_VERSION.activities },
      signal,
    });
    const data = res.data;
    if (Array.isArray(data)) return data;
    return Array.isArray(data?.events) ? data.events : [];
  }

  async getMyLocks(): Promise<AugustLockList> {
    return (await this.call<AugustLockList>({ method: 'GET', url: AUGUST_PATHS.myLocks() })).data;
  }

  async getLock(lockId: string, signal?: AbortSignal): Promise<AugustLockDetail> {
    return (await this.call<AugustLockDetail>({ method: 'GET', url: AUGUST_PATHS.lock(lockId), signal }))
      .data;
  }

  async getLockStatus(lockId: string): Promise<AugustStatusResponse> {
    return (await this.call<AugustStatusResponse>({ method: 'GET', url: AUGUST_PATHS.lockStatus(lockId) }))
      .data;
  }

  /** soft 1 keeps the lock and the caller and drops other users and PINs; 0 factory-resets it. */
  async deleteLock(lockId: string, soft: 0 | 1): Promise<AugustSuccess> {
    return (
      await this.call<AugustSuccess>({
        method: 'DELETE',
        url: AUGUST_PATHS.lock(lockId),
        params: { soft },
        idempotent: false,
      })
    ).data;
  }

  /** Y, AD, AY (paths.ts). */
  async getCapabilities(query: {
    deviceType?: string;
    deviceID?: string;
    serialNumber?: string;
    udID?: string;
    hID?: string;
    hhID?: string;
    topLevelHost?: boolean;
    productID?: number;
    productTypeID?: number;
    checkForSetup?: boolean;
  }): Promise<AugustCapabilities> {
    return (
      await this.call<AugustCapabilities>({ method: 'GET', url: AUGUST_PATHS.capabilities(), params: query })
    ).data;
  }

  // -- remote operate ------------------------------------------------------------------------------

  /** Sync answers 200 with the result; async answers 202 with no body (result goes to the webhook). */
  async remoteOperate(
    lockId: string,
    command: RemoteCommand,
    options: RemoteOperateOptions = {},
  ): Promise<{ status: number; result?: AugustRemoteOperateResult }> {
    const headers: Record<string, string> = {};
    if (options.version === 2) headers['accept-version'] = ACCEPT_VERSION.remoteOperateV2;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    const data: Record<string, unknown> = {};
    if (options.webhook !== undefined) data.webhook = options.webhook;
    if (options.extendedfunction) data.extendedfunction = options.extendedfunction;
    const res = await this.call<AugustRemoteOperateResult | ''>({
      method: 'PUT',
      url: AUGUST_PATHS.remoteOperate(lockId, command),
      params: {
        type: options.type,
        retryLimit: options.retryLimit,
        notificationType: options.notificationType,
      },
      data,
      headers,
      idempotent: options.idempotent ?? false,
      signal: options.signal,
      deadline: options.deadline,
      timeoutMs: options.timeoutMs,
    });
    return res.status === 202 || !res.data
      ? { status: res.status }
      : { status: res.status, result: res.data };
  }

  // -- PINs ----------------------------------------------------------------------------------------

  async getPins(lockId: string): Promise<AugustPinsByState> {
    return (await this.call<AugustPinsByState>({ method: 'GET', url: AUGUST_PATHS.pins(lockId) })).data;
  }

  /** Commands run in order; the answer is immediate, the lock catches up (PIN states). */
  async managePins(lockId: string, commands: AugustPinCommand[], webhook?: string): Promise<AugustSuccess> {
    const data: Record<string, unknown> = { commands };
    if (webhook) data.webhook = webhook;
    return (
      await this.call<AugustSuccess>({
        method: 'POST',
        url: AUGUST_PATHS.pins(lockId),
        data,
        idempotent: false,
      })
    ).data;
  }

  /** Holds a free PIN and slot for a few minutes. */
  async reservePin(lockId: string): Promise<AugustReservation> {
    return (
      await this.call<AugustReservation>({
        method: 'GET',
        url: AUGUST_PATHS.reservePin(lockId),
        idempotent: false,
      })
    ).data;
  }

  /** AD: reserve a credential for one user. */
  async reserveCredential(
    lockId: string,
    userId: string,
    type: 'pin' | 'rf' | 'finger' = 'pin',
  ): Promise<AugustReservation> {
    return (
      await this.call<AugustReservation>({
        method: 'GET',
        url: AUGUST_PATHS.reserveCredential(lockId, userId),
        params: { type },
        idempotent: false,
      })
    ).data;
  }

  /** UNVERIFIED_AUGUST_OPERATIONS.masterPin. */
  async getMasterPin(lockId: string): Promise<AugustPin> {
    return (await this.call<AugustPin>({ method: 'GET', url: AUGUST_PATHS.masterPin(lockId) })).data;
  }

  /** UNVERIFIED_AUGUST_OPERATIONS.masterPin. The webhook must be https. */
  async setMasterPin(lockId: string, pin: string | number, webhook?: string): Promise<AugustSuccess> {
    const data: Record<string, unknown> = { pin };
    if (webhook) data.webhook = webhook;
    return (await this.call<AugustSuccess>({ method: 'PUT', url: AUGUST_PATHS.masterPin(lockId), data }))
      .data;
  }

  /** UNVERIFIED_AUGUST_OPERATIONS.transferPin. */
  async transferPin(lockId: string, oldUserId: string, newUserId: string): Promise<AugustSuccess> {
    return (
      await this.call<AugustSuccess>({
        method: 'PUT',
        url: AUGUST_PATHS.transferPin(lockId),
        data: { oldUserID: oldUserId, newUserID: newUserId },
        idempotent: false,
      })
    ).data;
  }

  /** 200 nothing to do, 202 started. */
  async syncPins(lockId: string): Promise<number> {
    return (await this.call({ method: 'PUT', url: AUGUST_PATHS.syncPins(lockId) })).status;
  }

  /** Creates a user without an account, to hold a PIN (then load with augustUserID = id). */
  async createUnverifiedUser(input: {
    firstName: string;
    lastName: string;
    lockID: string;
    pin?: string;
  }): Promise<{ id: string }> {
    return (
      await this.call<{ id: string }>({
        method: 'POST',
        url: AUGUST_PATHS.unverifiedUsers(),
        data: input,
        idempotent: false,
      })
    ).data;
  }

  // -- users on a lock -----------------------------------------------------------------------------

  async addUser(
    lockId: string,
    userId: string,
    type: LockUserType,
    body: {
      Name?: string | null;
      options?: { isUpdatingPermissions?: boolean };
      returnInvited?: boolean;
    } = {},
  ): Promise<AugustSuccess & { invitedUserID?: string }> {
    return (
      await this.call<AugustSuccess & { invitedUserID?: string }>({
        method: 'PUT',
        url: AUGUST_PATHS.addUser(lockId, userId, type),
        data: body,
      })
    ).data;
  }

  async changeUserType(lockId: string, userId: string, type: LockUserType): Promise<void> {
    await this.call({ method: 'PUT', url: AUGUST_PATHS.changeUserType(lockId, userId, type), data: {} });
  }

  async removeUser(lockId: string, userId: string): Promise<void> {
    await this.call({ method: 'DELETE', url: AUGUST_PATHS.removeUser(lockId, userId) });
  }

  // -- live updates --------------------------------------------------------------------------------

  async createSubscriber(scopes: string[] = ['lock']): Promise<AugustSubscriber> {
    return (
      await this.call<AugustSubscriber>({
        method: 'POST',
        url: AUGUST_PATHS.subscribers(),
        data: { scopes },
        idempotent: true,
      })
    ).data;
  }

  async getSubscriber(subscriberId: string): Promise<AugustSubscriber> {
    return (await this.call<AugustSubscriber>({ method: 'GET', url: AUGUST_PATHS.subscriber(subscriberId) }))
      .data;
  }

  async deleteSubscriber(subscriberId: string, timeoutMs?: number): Promise<void> {
    await this.call({ method: 'DELETE', url: AUGUST_PATHS.subscriber(subscriberId), timeoutMs, retries: 0 });
  }

  // -- partners ------------------------------------------------------------------------------------

  /** UNVERIFIED_AUGUST_OPERATIONS.partnerSubUser: create or get a sub-user and its token. */
  async createSubUser(partnerUserID: string, firstName: string, lastName: string): Promise<AugustSubUser> {
    const res = await this.call<AugustSubUser>({
      method: 'POST',
      url: AUGUST_PATHS.partnerSubUser(),
      data: { partnerUserID, firstName, lastName },
      idempotent: true,
    });
    this.options.redactor?.addSecret(res.data.access_token);
    return res.data;
  }

  /** App and auth headers, for the live-updates socket. */
  socketHeaders(): Record<string, string> {
    const names = this.options.brand.headers;
    const out: Record<string, string> = {
      [names.apiKey]: this.options.apiKey,
      [names.branding]: this.options.brand.branding,
      'user-agent': COMMON_HEADERS['user-agent'],
    };
    if (this.token) out[names.accessToken] = this.token;
    return out;
  }

  /** The headers this client sends for auth, by name (tests check the brand's names). */
  get headerNames(): BrandConfig['headers'] {
    return this.options.brand.headers;
  }
}
