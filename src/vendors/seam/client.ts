import { HttpClient, type HttpClientOptions } from '../../http/client';
import { LockbridgeError } from '../../core/errors';
import type { CommandDeadline } from '../../core/deadline';
import type { Logger } from '../../core/logger';
import { mapSeamError } from './errors';
import { SEAM_PATHS } from './paths';
import type {
  SeamAccessCode,
  SeamAcsCredential,
  SeamAcsSystem,
  SeamAcsUser,
  SeamActionAttempt,
  SeamDevice,
  SeamEnrollmentAutomation,
  SeamEvent,
  SeamPagination,
  SeamUserIdentity,
  SeamWebhook,
} from './types';

/** Seam's documented default page size for locks/list (ST: `limit` default 500). */
export const LOCK_PAGE_SIZE = 500;
/** 1,000 pages of 500: far above any workspace; a cursor that never ends is a vendor fault. */
const LOCK_PAGES_MAX = 1000;

export interface SeamClientOptions extends Omit<HttpClientOptions, 'vendor' | 'mapError' | 'headers'> {
  apiKey: string;
}

export interface AccessCodeCreateBody {
  device_id: string;
  name?: string;
  code?: string;
  starts_at?: string;
  ends_at?: string;
  is_one_time_use?: boolean;
}

export interface AccessCodeUpdateBody {
  access_code_id: string;
  name?: string;
  code?: string;
  starts_at?: string;
  ends_at?: string;
  type?: 'ongoing' | 'time_bound';
  is_one_time_use?: boolean;
}

export interface EventsListBody {
  since?: string;
  between?: [string, string];
  device_id?: string;
  device_ids?: string[];
  event_type?: string;
  event_types?: string[];
  limit?: number;
}

/** The Seam Connect API, 1:1: every method is one POST with Seam's own body and answer. */
export class SeamClient {
  readonly http: HttpClient;
  private readonly logger?: Logger;

  constructor(options: SeamClientOptions) {
    const { apiKey, ...rest } = options;
    this.logger = options.logger;
    this.http = new HttpClient({
      ...rest,
      vendor: 'seam',
      mapError: mapSeamError,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });
  }

  /**
   * One POST. Reads are idempotent; writes are marked non-idempotent by the caller so that an unlock
   * or a code create is never sent twice after a timeout.
   */
  async post<T>(
    path: string,
    body: object,
    opts: { idempotent: boolean; signal?: AbortSignal; deadline?: CommandDeadline },
  ): Promise<T> {
    const res = await this.http.request<T>({
      method: 'POST',
      url: path,
      data: body,
      idempotent: opts.idempotent,
      signal: opts.signal,
      deadline: opts.deadline,
    });
    if (!res.data || typeof res.data !== 'object')
      throw new LockbridgeError('vendor_error', `seam answered ${path} with no JSON body`, {
        vendor: 'seam',
      });
    return res.data;
  }

  private read<T>(path: string, body: object = {}, signal?: AbortSignal): Promise<T> {
    return this.post<T>(path, body, { idempotent: true, signal });
  }

  private write<T>(path: string, body: object, signal?: AbortSignal, deadline?: CommandDeadline): Promise<T> {
    return this.post<T>(path, body, { idempotent: false, signal, deadline });
  }

  // -- devices and locks ------------------------------------------------------------------------------

  async listDevices(body: { limit?: number; page_cursor?: string | null; device_ids?: string[] } = {}) {
    return this.read<{ devices: SeamDevice[]; pagination?: SeamPagination }>(SEAM_PATHS.devicesList, body);
  }

  async getDevice(deviceId: string): Promise<SeamDevice> {
    return (await this.read<{ device: SeamDevice }>(SEAM_PATHS.devicesGet, { device_id: deviceId })).device;
  }

  /**
   * Every lock of the workspace. locks/list takes `limit` (default 500) and `page_cursor` (ST: @seamapi/types
   * openapi /locks/list body); a page's `pagination` (components.schemas.pagination: has_next_page,
   * next_page_cursor) says whether more follow. The next page repeats the same body plus page_cursor, as
   * @seamapi/http's SeamPaginator does (Seam refuses a cursor with different parameters).
   */
  async listLocks(): Promise<SeamDevice[]> {
    const out: SeamDevice[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; page < LOCK_PAGES_MAX; page++) {
      const body: { limit: number; page_cursor?: string } = { limit: LOCK_PAGE_SIZE };
      if (cursor !== null) body.page_cursor = cursor;
      const res = await this.read<{
        locks?: SeamDevice[];
        devices?: SeamDevice[];
        pagination?: SeamPagination;
      }>(SEAM_PATHS.locksList, body);
      const locks = res.locks ?? res.devices ?? [];
      out.push(...locks);
      const next = res.pagination?.has_next_page ? res.pagination.next_page_cursor : null;
      if (!next || seen.has(next)) {
        if (!res.pagination && locks.length >= LOCK_PAGE_SIZE)
          // A full page and no cursor: Seam may hold more locks than it told us about. Say so.
          this.logger?.warn(
            `Seam answered locks/list with ${locks.length} locks and no pagination; locks past that may be missing`,
          );
        return out;
      }
      seen.add(next);
      cursor = next;
    }
    throw new LockbridgeError('vendor_error', `seam locks/list did not end after ${LOCK_PAGES_MAX} pages`, {
      vendor: 'seam',
    });
  }

  async getLock(deviceId: string): Promise<SeamDevice> {
    const res = await this.read<{ lock?: SeamDevice; device?: SeamDevice }>(SEAM_PATHS.locksGet, {
      device_id: deviceId,
    });
    const lock = res.lock ?? res.device;
    if (!lock) throw new LockbridgeError('vendor_error', 'seam locks/get answered without a lock');
    return lock;
  }

  async lockDoor(
    deviceId: string,
    signal?: AbortSignal,
    deadline?: CommandDeadline,
  ): Promise<SeamActionAttempt> {
    return (
      await this.write<{ action_attempt: SeamActionAttempt }>(
        SEAM_PATHS.lockDoor,
        { device_id: deviceId },
        signal,
        deadline,
      )
    ).action_attempt;
  }

  async unlockDoor(
    deviceId: string,
    signal?: AbortSignal,
    deadline?: CommandDeadline,
  ): Promise<SeamActionAttempt> {
    return (
      await this.write<{ action_attempt: SeamActionAttempt }>(
        SEAM_PATHS.unlockDoor,
        { device_id: deviceId },
        signal,
        deadline,
      )
    ).action_attempt;
  }

  async getActionAttempt(id: string, signal?: AbortSignal): Promise<SeamActionAttempt> {
    return (
      await this.read<{ action_attempt: SeamActionAttempt }>(
        SEAM_PATHS.actionAttemptsGet,
        { action_attempt_id: id },
        signal,
      )
    ).action_attempt;
  }

  // -- access codes -----------------------------------------------------------------------------------

  async createAccessCode(
    body: AccessCodeCreateBody,
  ): Promise<{ access_code: SeamAccessCode; action_attempt?: SeamActionAttempt }> {
    return this.write(SEAM_PATHS.accessCodesCreate, body);
  }

  /** Every code of a device, following page_cursor. */
  async listAccessCodes(deviceId: string): Promise<SeamAccessCode[]> {
    const out: SeamAccessCode[] = [];
    let cursor: string | null | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await this.read<{ access_codes: SeamAccessCode[]; pagination?: SeamPagination }>(
        SEAM_PATHS.accessCodesList,
        cursor ? { device_id: deviceId, page_cursor: cursor } : { device_id: deviceId },
      );
      out.push(...res.access_codes);
      cursor = res.pagination?.has_next_page ? res.pagination.next_page_cursor : null;
      if (!cursor) break;
    }
    return out;
  }

  async getAccessCode(accessCodeId: string): Promise<SeamAccessCode> {
    return (
      await this.read<{ access_code: SeamAccessCode }>(SEAM_PATHS.accessCodesGet, {
        access_code_id: accessCodeId,
      })
    ).access_code;
  }

  async updateAccessCode(body: AccessCodeUpdateBody): Promise<SeamActionAttempt | undefined> {
    return (await this.write<{ action_attempt?: SeamActionAttempt }>(SEAM_PATHS.accessCodesUpdate, body))
      .action_attempt;
  }

  async deleteAccessCode(accessCodeId: string): Promise<SeamActionAttempt | undefined> {
    return (
      await this.write<{ action_attempt?: SeamActionAttempt }>(SEAM_PATHS.accessCodesDelete, {
        access_code_id: accessCodeId,
      })
    ).action_attempt;
  }

  async generateCode(deviceId: string): Promise<string> {
    const res = await this.read<{ generated_code: { code: string | null } }>(SEAM_PATHS.accessCodesGenerate, {
      device_id: deviceId,
    });
    if (typeof res.generated_code?.code !== 'string')
      throw new LockbridgeError('vendor_error', 'seam generate_code answered without a code', {
        vendor: 'seam',
      });
    return res.generated_code.code;
  }

  // -- events and webhooks ----------------------------------------------------------------------------

  async listEvents(body: EventsListBody, signal?: AbortSignal): Promise<SeamEvent[]> {
    return (await this.read<{ events: SeamEvent[] }>(SEAM_PATHS.eventsList, body, signal)).events;
  }

  async createWebhook(url: string, eventTypes?: string[]): Promise<SeamWebhook> {
    return (
      await this.write<{ webhook: SeamWebhook }>(
        SEAM_PATHS.webhooksCreate,
        eventTypes ? { url, event_types: eventTypes } : { url },
      )
    ).webhook;
  }

  async listWebhooks(): Promise<SeamWebhook[]> {
    return (await this.read<{ webhooks: SeamWebhook[] }>(SEAM_PATHS.webhooksList)).webhooks;
  }

  // -- ACS: user identities, systems, users, credentials (the Salto KS flow) --------------------------

  async createUserIdentity(body: {
    email_address?: string;
    phone_number?: string;
    full_name?: string;
    user_identity_key?: string;
  }): Promise<SeamUserIdentity> {
    return (await this.write<{ user_identity: SeamUserIdentity }>(SEAM_PATHS.userIdentitiesCreate, body))
      .user_identity;
  }

  async getUserIdentity(
    by: { user_identity_id: string } | { user_identity_key: string },
  ): Promise<SeamUserIdentity> {
    return (await this.read<{ user_identity: SeamUserIdentity }>(SEAM_PATHS.userIdentitiesGet, by))
      .user_identity;
  }

  async listAcsSystems(): Promise<SeamAcsSystem[]> {
    return (await this.read<{ acs_systems: SeamAcsSystem[] }>(SEAM_PATHS.acsSystemsList)).acs_systems;
  }

  async getAcsSystem(acsSystemId: string): Promise<SeamAcsSystem> {
    return (
      await this.read<{ acs_system: SeamAcsSystem }>(SEAM_PATHS.acsSystemsGet, { acs_system_id: acsSystemId })
    ).acs_system;
  }

  async listCompatibleCredentialManagers(acsSystemId: string): Promise<SeamAcsSystem[]> {
    return (
      await this.read<{ acs_systems: SeamAcsSystem[] }>(SEAM_PATHS.acsCompatibleCredentialManagers, {
        acs_system_id: acsSystemId,
      })
    ).acs_systems;
  }

  async launchEnrollmentAutomation(body: {
    user_identity_id: string;
    credential_manager_acs_system_id: string;
    create_credential_manager_user?: boolean;
  }): Promise<SeamEnrollmentAutomation> {
    return (
      await this.write<{ enrollment_automation: SeamEnrollmentAutomation }>(
        SEAM_PATHS.enrollmentAutomationsLaunch,
        body,
      )
    ).enrollment_automation;
  }

  async listEnrollmentAutomations(userIdentityId: string): Promise<SeamEnrollmentAutomation[]> {
    return (
      await this.read<{ enrollment_automations: SeamEnrollmentAutomation[] }>(
        SEAM_PATHS.enrollmentAutomationsList,
        {
          user_identity_id: userIdentityId,
        },
      )
    ).enrollment_automations;
  }

  async createAcsUser(body: {
    full_name: string;
    acs_system_id: string;
    user_identity_id?: string;
    email_address?: string;
    access_schedule?: { starts_at: string; ends_at: string };
  }): Promise<SeamAcsUser> {
    return (await this.write<{ acs_user: SeamAcsUser }>(SEAM_PATHS.acsUsersCreate, body)).acs_user;
  }

  async listAcsUsers(body: { acs_system_id?: string; user_identity_id?: string }): Promise<SeamAcsUser[]> {
    return (await this.read<{ acs_users: SeamAcsUser[] }>(SEAM_PATHS.acsUsersList, body)).acs_users;
  }

  async deleteAcsUser(acsUserId: string): Promise<void> {
    // Deleting twice is harmless (the second answers not_found, which the caller treats as done).
    await this.post(SEAM_PATHS.acsUsersDelete, { acs_user_id: acsUserId }, { idempotent: true });
  }

  /** Adding a member twice is harmless, so this may be retried. */
  async addToAccessGroup(acsUserId: string, acsAccessGroupId: string): Promise<void> {
    await this.post(
      SEAM_PATHS.acsUsersAddToAccessGroup,
      { acs_user_id: acsUserId, acs_access_group_id: acsAccessGroupId },
      { idempotent: true },
    );
  }

  async createCredential(body: {
    access_method: 'mobile_key' | 'code' | 'card';
    acs_user_id: string;
    is_multi_phone_sync_credential?: boolean;
  }): Promise<SeamAcsCredential> {
    return (await this.write<{ acs_credential: SeamAcsCredential }>(SEAM_PATHS.acsCredentialsCreate, body))
      .acs_credential;
  }

  async listCredentials(body: { acs_user_id: string }): Promise<SeamAcsCredential[]> {
    return (await this.read<{ acs_credentials: SeamAcsCredential[] }>(SEAM_PATHS.acsCredentialsList, body))
      .acs_credentials;
  }

  async deleteCredential(acsCredentialId: string): Promise<void> {
    await this.post(
      SEAM_PATHS.acsCredentialsDelete,
      { acs_credential_id: acsCredentialId },
      { idempotent: true },
    );
  }
}
