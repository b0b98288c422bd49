import { createHash } from 'node:crypto';
import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import { readJson, writeJson, type Storage } from '../../core/storage';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Share, ShareRequest, ShareResult } from '../../core/model';
import type { SeamClient } from './client';
import type { SeamAcsSystem, SeamAcsUser } from './types';

type MobileKeyRequest = Extract<ShareRequest, { kind: 'mobile_key' }>;

/** What a grant has done so far; written after every step so a retry resumes instead of redoing. */
export interface GrantRecord {
  grantId: string;
  vendorLockId: string;
  lockId: string;
  email: string;
  fullName?: string;
  start: string;
  end: string;
  acsSystemId: string;
  accessGroupIds: string[];
  multiPhone: boolean;
  userIdentityId?: string;
  credentialManagerAcsSystemId?: string;
  enrollmentAutomationId?: string;
  acsUserId?: string;
  groupsAdded: string[];
  acsCredentialId?: string;
  state: 'in_progress' | 'granted' | 'revoked';
  createdAt: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DIR = 'mobile-keys';

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One user identity per person: the key is derived from the email, so a retry finds the same one. */
export function userIdentityKeyFor(email: string): string {
  return `lockbridge_${sha(email.trim().toLowerCase()).slice(0, 32)}`;
}

/** One grant per person, system and stay: the same request gives the same grant id. */
export function grantIdFor(email: string, acsSystemId: string, start: string, end: string): string {
  const norm = [
    email.trim().toLowerCase(),
    acsSystemId,
    new Date(start).toISOString(),
    new Date(end).toISOString(),
  ];
  return `mk_${sha(norm.join('|')).slice(0, 24)}`;
}

function isNotFound(err: unknown): boolean {
  return isLockbridgeError(err) && err.code === 'not_found';
}

function sameInstant(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && Date.parse(a) === Date.parse(b);
}

/**
 * The Salto KS mobile-key flow of seam-salto-ks-mobile-credentials.txt as one operation:
 * 1 user identity, 2 credential manager, 3 enrollment automation, 4 ACS user with an access schedule,
 * 5 access groups, 6 mobile-key credential. Every step first looks for what an earlier attempt made
 * (the journal, then Seam look-ups), so a retried grant never creates a second identity or ACS user.
 */
export class MobileKeyGrants {
  constructor(
    private readonly client: SeamClient,
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private path(grantId: string): string {
    return `${DIR}/${grantId}.json`;
  }

  private async save(record: GrantRecord): Promise<void> {
    await writeJson(this.storage, this.path(record.grantId), record);
  }

  async load(grantId: string): Promise<GrantRecord | undefined> {
    if (!/^mk_[0-9a-f]{24}$/.test(grantId)) return undefined;
    return readJson<GrantRecord>(this.storage, this.path(grantId));
  }

  static validate(request: MobileKeyRequest): void {
    const reasons: Array<{ code: string; message: string }> = [];
    if (typeof request.email !== 'string' || !EMAIL.test(request.email.trim()))
      reasons.push({ code: 'email', message: 'A valid email address is required' });
    const start = Date.parse(request.start);
    const end = Date.parse(request.end);
    if (Number.isNaN(start)) reasons.push({ code: 'start', message: 'start must be an ISO 8601 date' });
    if (Number.isNaN(end)) reasons.push({ code: 'end', message: 'end must be an ISO 8601 date' });
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start)
      reasons.push({ code: 'end', message: 'end must be after start' });
    const groups = request.accessGroupIds;
    if (!Array.isArray(groups) || groups.length === 0 || groups.some((g) => typeof g !== 'string' || !g))
      reasons.push({ code: 'accessGroupIds', message: 'At least one access group id is required' });
    if (request.phoneCount !== undefined && (!Number.isInteger(request.phoneCount) || request.phoneCount < 1))
      reasons.push({ code: 'phoneCount', message: 'phoneCount must be a positive integer' });
    if (reasons.length > 0)
      throw new LockbridgeError(
        'invalid_input',
        `Invalid mobile key request: ${reasons.map((r) => r.code).join(', ')}`,
        {
          vendor: 'seam',
          reasons,
        },
      );
  }

  async grant(vendorLockId: string, request: MobileKeyRequest, system: SeamAcsSystem): Promise<ShareResult> {
    MobileKeyGrants.validate(request);
    const email = request.email.trim();
    const grantId = grantIdFor(email, system.acs_system_id, request.start, request.end);
    const record: GrantRecord = (await this.load(grantId)) ?? {
      grantId,
      vendorLockId,
      lockId: request.lockId,
      email,
      fullName: request.fullName,
      start: new Date(request.start).toISOString(),
      end: new Date(request.end).toISOString(),
      acsSystemId: system.acs_system_id,
      accessGroupIds: [...new Set(request.accessGroupIds ?? [])],
      multiPhone: request.phoneCount === undefined || request.phoneCount > 1,
      groupsAdded: [],
      state: 'in_progress',
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    if (record.state === 'revoked') {
      // A new grant for the same stay after a revoke starts over (the identity is found again below).
      Object.assign(record, {
        state: 'in_progress',
        acsUserId: undefined,
        acsCredentialId: undefined,
        groupsAdded: [],
      });
    }
    // Groups asked for now that an earlier attempt did not know of are added too.
    record.accessGroupIds = [...new Set([...record.accessGroupIds, ...(request.accessGroupIds ?? [])])];
    await this.save(record);

    // Step 1: the user identity, found by its key before any create.
    if (!record.userIdentityId) {
      record.userIdentityId = await this.ensureUserIdentity(email, request.fullName);
      await this.save(record);
    }
    const userIdentityId = record.userIdentityId;

    // Step 2: the credential manager of the Salto KS site.
    if (!record.credentialManagerAcsSystemId) {
      const managers = await this.client.listCompatibleCredentialManagers(record.acsSystemId);
      const manager = managers[0];
      if (!manager)
        throw new LockbridgeError(
          'not_supported',
          'This access system has no compatible credential manager',
          {
            vendor: 'seam',
          },
        );
      record.credentialManagerAcsSystemId = manager.acs_system_id;
      await this.save(record);
    }
    const managerId = record.credentialManagerAcsSystemId;

    // Step 3: the enrollment automation, reused when one exists for this identity and manager.
    if (!record.enrollmentAutomationId) {
      const existing = await this.client
        .listEnrollmentAutomations(userIdentityId)
        .catch((err: unknown) => (isNotFound(err) ? [] : Promise.reject(err)));
      const found = existing.find((e) => e.credential_manager_acs_system_id === managerId);
      const automation =
        found ??
        (await this.client.launchEnrollmentAutomation({
          user_identity_id: userIdentityId,
          credential_manager_acs_system_id: managerId,
          create_credential_manager_user: true,
        }));
      record.enrollmentAutomationId = automation.enrollment_automation_id;
      await this.save(record);
    }

    // Step 4: the ACS user for this stay, found by identity + schedule before any create.
    let acsUser: SeamAcsUser | undefined;
    if (!record.acsUserId) {
      const users = await this.client.listAcsUsers({
        acs_system_id: record.acsSystemId,
        user_identity_id: userIdentityId,
      });
      acsUser = users.find(
        (u) =>
          sameInstant(u.access_schedule?.starts_at, record.start) &&
          sameInstant(u.access_schedule?.ends_at, record.end),
      );
      acsUser ??= await this.client.createAcsUser({
        full_name: record.fullName || email,
        acs_system_id: record.acsSystemId,
        user_identity_id: userIdentityId,
        email_address: email,
        access_schedule: { starts_at: record.start, ends_at: record.end },
      });
      record.acsUserId = acsUser.acs_user_id;
      await this.save(record);
    }
    const acsUserId = record.acsUserId;

    // Step 5: the access groups (adding a member twice is harmless).
    for (const group of record.accessGroupIds) {
      if (record.groupsAdded.includes(group)) continue;
      await this.client.addToAccessGroup(acsUserId, group);
      record.groupsAdded.push(group);
      await this.save(record);
    }

    // Step 6: the mobile key, reused when the ACS user already has one.
    if (!record.acsCredentialId) {
      const creds = await this.client.listCredentials({ acs_user_id: acsUserId });
      const cred =
        creds.find((c) => c.access_method === 'mobile_key') ??
        (await this.client.createCredential({
          acs_user_id: acsUserId,
          access_method: 'mobile_key',
          is_multi_phone_sync_credential: record.multiPhone,
        }));
      record.acsCredentialId = cred.acs_credential_id;
    }
    record.state = 'granted';
    await this.save(record);
    this.logger.info(`Seam mobile key ${grantId} granted`);

    const subscribed = acsUser
      ? !acsUser.warnings?.some((w) => w.warning_code === 'salto_ks_user_not_subscribed')
      : undefined;
    return {
      kind: 'mobile_key',
      lockId: request.lockId,
      share: this.toShare(record, subscribed),
      data: {
        grantId,
        user_identity_id: record.userIdentityId,
        credential_manager_acs_system_id: record.credentialManagerAcsSystemId,
        enrollment_automation_id: record.enrollmentAutomationId,
        acs_system_id: record.acsSystemId,
        acs_user_id: record.acsUserId,
        acs_access_group_ids: record.groupsAdded,
        acs_credential_id: record.acsCredentialId,
      },
    };
  }

  private async ensureUserIdentity(email: string, fullName?: string): Promise<string> {
    const key = userIdentityKeyFor(email);
    const find = async () => {
      try {
        return (await this.client.getUserIdentity({ user_identity_key: key })).user_identity_id;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };
    const existing = await find();
    if (existing) return existing;
    try {
      const body: { email_address: string; user_identity_key: string; full_name?: string } = {
        email_address: email,
        user_identity_key: key,
      };
      if (fullName) body.full_name = fullName;
      return (await this.client.createUserIdentity(body)).user_identity_id;
    } catch (err) {
      // Another attempt created it between our look-up and our create: use that one.
      if (isLockbridgeError(err) && err.code === 'code_conflict') {
        const again = await find();
        if (again) return again;
      }
      throw err;
    }
  }

  async revoke(
    vendorLockId: string,
    request: Extract<ShareRequest, { kind: 'revoke_mobile_key' }>,
  ): Promise<ShareResult> {
    const record = await this.load(request.grantId);
    if (!record || record.vendorLockId !== vendorLockId)
      throw new LockbridgeError('not_found', 'No mobile key with this grant id on this lock', {
        vendor: 'seam',
      });
    if (record.state !== 'revoked') {
      // Both deletes treat not_found as done, so a retried revoke finishes what the first started.
      if (record.acsCredentialId)
        await this.client
          .deleteCredential(record.acsCredentialId)
          .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (record.acsUserId)
        await this.client
          .deleteAcsUser(record.acsUserId)
          .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      record.state = 'revoked';
      await this.save(record);
      this.logger.info(`Seam mobile key ${record.grantId} revoked`);
    }
    return { kind: 'revoke_mobile_key', lockId: request.lockId, share: this.toShare(record) };
  }

  async list(vendorLockId: string): Promise<Share[]> {
    const names = await this.storage.list(`${DIR}/`);
    const out: Share[] = [];
    for (const name of names) {
      const record = await readJson<GrantRecord>(this.storage, name);
      if (record && record.vendorLockId === vendorLockId && record.state === 'granted')
        out.push(this.toShare(record));
    }
    return out;
  }

  /** Salto KS keeps the ACS user "unsubscribed" until starts_at; after ends_at the key has expired. */
  private toShare(record: GrantRecord, subscribed?: boolean): Share {
    const now = this.clock.now();
    let state: string = record.state;
    if (record.state === 'granted') {
      if (now >= Date.parse(record.end)) state = 'expired';
      else if (subscribed === false || (subscribed === undefined && now < Date.parse(record.start)))
        state = 'unsubscribed';
      else state = 'subscribed';
    }
    return {
      id: record.grantId,
      kind: 'mobile_key',
      lockId: record.lockId,
      with: record.email,
      state,
      start: record.start,
      end: record.end,
    };
  }
}
