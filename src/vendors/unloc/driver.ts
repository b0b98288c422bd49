import { randomBytes } from 'node:crypto';
import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import { EventFanout, type Unsubscribe } from '../../core/events';
import {
  lockIdFor,
  type LockCommand,
  type Share,
  type ShareRequest,
  type ShareResult,
} from '../../core/model';
import { readJson, writeJson } from '../../core/storage';
import type { UnlocAccountConfig } from '../../config/types';
import type { RetryPolicy } from '../../http';
import type {
  CommandOptions,
  DriverCommandOutcome,
  DriverContext,
  DriverLock,
  DriverPush,
  ShareDriver,
  VendorDriver,
} from '../driver';
import { UnlocClient } from './client';
import {
  duplicateToShare,
  isE164,
  keyEventToAction,
  parseKeyEvent,
  scheduleToUnlocKey,
  unlocKeyToShare,
  unlocLockToDriverLock,
  type UnlocAccess,
} from './mapping';
import { UNLOC_DEFAULT_BASE_URL, unlocApiVersion, unlocScopes } from './paths';
import type { UnlocLock } from './types';
import { constantTimeEqual, WebhookListener } from '../../http/webhook-listener';

/** Options tests use to keep retries short; the hub uses the defaults. */
export interface UnlocDriverOptions {
  retry?: RetryPolicy;
  timeoutMs?: number;
}

interface Placement {
  lockHolderId: string;
  access: UnlocAccess;
  lock: UnlocLock;
}

/** A duplicate this account made, kept in storage because Unloc has no call that lists duplicates. */
interface DuplicateRecord {
  id: string;
  /** The lock it was duplicated from. */
  lockId: string;
  sourceLockHolderId: string;
  /** A lock holder id or an E.164 phone number. */
  to: string;
  toKind: 'lock_holder' | 'user';
  created: string;
}

const DUPLICATES_FILE = 'unloc-duplicates.json';
const WEBHOOK_SECRET_FILE = 'unloc-webhook-secret.json';
const SEEN_EVENTS_LIMIT = 500;

/**
 * Unloc as a VendorDriver. Unloc has no remote lock/unlock: locks are listed (one call per lock holder
 * per cycle), duplicated and shared with keys; commands other than STATUS reject with not_supported.
 * Key events arrive by webhook when `keyEvents` is configured and become activity pushes; without it
 * there is no activity, and keys are read (polled) when shares are listed.
 */
export class UnlocDriver implements VendorDriver {
  readonly vendor = 'unloc';
  readonly account: string;
  readonly client: UnlocClient;
  private readonly placements = new Map<string, Placement>();
  private readonly pushes: EventFanout<DriverPush>;
  private readonly seenEvents = new Set<string>();
  private readonly webhookRegistered = new Set<string>();
  private webhook?: WebhookListener;
  private webhookUrl?: string;
  private duplicates: DuplicateRecord[] = [];
  readonly shares: ShareDriver;

  constructor(
    private readonly config: UnlocAccountConfig,
    private readonly context: DriverContext,
    options: UnlocDriverOptions = {},
  ) {
    this.account = config.id;
    this.pushes = new EventFanout<DriverPush>(() =>
      context.logger.warn('A push listener threw; the other listeners still ran'),
    );
    this.client = new UnlocClient({
      baseURL: config.baseUrl ?? UNLOC_DEFAULT_BASE_URL,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      apiVersion: unlocApiVersion(config),
      budget: context.budget,
      logger: context.logger,
      redactor: context.redactor,
      clock: context.clock,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
    });
    this.shares = {
      share: (vendorLockId, request) => this.share(vendorLockId, request),
      list: (vendorLockId) => this.listShares(vendorLockId),
    };
  }

  private get v2(): boolean {
    return this.client.apiVersion === 'v2';
  }

  /** The lock holders (v1) or projects (v2) this account administers. */
  private get adminHolders(): string[] {
    return (this.v2 ? this.config.projectIds : this.config.lockHolderIds) ?? [];
  }

  /** v1 only: lock holders whose locks may only be duplicated. */
  private get duplicateHolders(): string[] {
    if (this.v2) return [];
    return (this.config.duplicateLockHolderIds ?? []).filter((id) => !this.adminHolders.includes(id));
  }

  private adminScope(holderId: string): string {
    return this.v2 ? unlocScopes.project(holderId) : unlocScopes.admin(holderId);
  }

  async start(): Promise<void> {
    this.duplicates = (await readJson<DuplicateRecord[]>(this.context.storage, DUPLICATES_FILE)) ?? [];
    if (!Array.isArray(this.duplicates)) this.duplicates = [];
    if (this.v2) {
      // A project.admin token per project proves the credentials (v2 has no integrator listing).
      for (const id of this.adminHolders) {
        try {
          await this.client.token(unlocScopes.project(id));
        } catch (err) {
          if (toLockbridgeError(err).code !== 'forbidden') throw err;
          this.context.logger.warn(`Unloc project ${id} is not administered by this API client`);
        }
      }
    } else {
      // The integrator token proves the credentials and tells which lock holders we manage.
      const holders = await this.client.listLockHolders();
      const managed = new Set(holders.map((h) => h.id));
      for (const id of this.adminHolders) {
        if (!managed.has(id))
          this.context.logger.warn(`Unloc lock holder ${id} is not managed by this integrator`);
      }
    }
    const events = this.config.keyEvents;
    if (events) {
      // Unloc signs nothing and registers no header, so the webhook URL itself carries a secret: a
      // delivery to any other path is refused (401) and never published (issue 14, item 6).
      const secret = events.secret ?? (await this.webhookSecret());
      this.context.redactor.addSecret(secret);
      this.webhook = new WebhookListener({
        host: events.listenHost ?? '127.0.0.1',
        port: events.listenPort ?? 0,
        path: events.path ?? '/unloc/key-events',
        authorize: (delivery) => constantTimeEqual(delivery.subpath, `/${secret}`),
        onEvent: (body) => this.onKeyEvent(body),
      });
      await this.webhook.start();
      this.webhookUrl = `${(events.webhookUrl ?? this.webhook.url).replace(/\/+$/, '')}/${secret}`;
      try {
        await this.listLocks();
      } catch (err) {
        await this.stop();
        throw err;
      }
    }
  }

  /** A random secret kept in storage, so the URL registered at Unloc stays valid across restarts. */
  private async webhookSecret(): Promise<string> {
    const stored = await readJson<{ secret?: unknown }>(this.context.storage, WEBHOOK_SECRET_FILE);
    if (stored && typeof stored.secret === 'string' && /^[0-9a-f]{64}$/.test(stored.secret))
      return stored.secret;
    const secret = randomBytes(32).toString('hex');
    await writeJson(this.context.storage, WEBHOOK_SECRET_FILE, { secret });
    return secret;
  }

  async stop(): Promise<void> {
    await this.webhook?.stop();
    this.webhook = undefined;
    this.pushes.clear();
  }

  onPush(listener: (push: DriverPush) => void): Unsubscribe {
    return this.pushes.subscribe(listener);
  }

  private scope(lockHolderId: string, access: UnlocAccess): string {
    return access === 'admin' ? this.adminScope(lockHolderId) : unlocScopes.duplicate(lockHolderId);
  }

  async listLocks(): Promise<DriverLock[]> {
    const targets: Array<{ lockHolderId: string; access: UnlocAccess }> = [
      ...this.adminHolders.map((lockHolderId) => ({ lockHolderId, access: 'admin' as const })),
      ...this.duplicateHolders.map((lockHolderId) => ({ lockHolderId, access: 'duplicate' as const })),
    ];
    const results = await Promise.allSettled(
      targets.map((t) => this.client.listLocks(this.scope(t.lockHolderId, t.access), t.lockHolderId)),
    );
    const out: DriverLock[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      const result = results[i];
      if (result.status === 'rejected') {
        const err = toLockbridgeError(result.reason);
        // A holder we may not read is a configuration problem: report it, keep the other holders.
        if (err.code === 'forbidden' || err.code === 'not_found') {
          this.context.logger.warn(`Unloc lock holder ${target.lockHolderId} skipped: ${err.message}`);
          continue;
        }
        throw err;
      }
      const keys = target.access === 'admin' ? await this.keysPerLock(target.lockHolderId) : undefined;
      for (const lock of result.value) {
        if (!lock || typeof lock.id !== 'string' || seen.has(lock.id)) continue;
        seen.add(lock.id);
        this.placements.set(lock.id, { lockHolderId: target.lockHolderId, access: target.access, lock });
        out.push(
          unlocLockToDriverLock(
            lock,
            target.access,
            this.webhook !== undefined,
            keys && (keys.get(lock.id) ?? 0),
          ),
        );
        if (target.access === 'admin') await this.registerWebhook(target.lockHolderId, lock.id);
      }
    }
    return out;
  }

  /**
   * How many keys each lock of an administered holder has: one key listing for the whole holder per
   * cycle (GET /lock-holders/{lh}/keys), not one per lock. A failed listing leaves the counts unknown
   * and never fails the lock listing. API v2 documents the key listing per lock only (GET
   * /v2/projects/{id}/keys?lockId=), so v2 projects get no count rather than a call per lock per cycle.
   */
  private async keysPerLock(lockHolderId: string): Promise<Map<string, number> | undefined> {
    if (this.v2) return undefined;
    try {
      const keys = await this.client.listHolderKeys(this.adminScope(lockHolderId), lockHolderId);
      const counts = new Map<string, number>();
      for (const key of keys)
        if (key && typeof key.lockId === 'string') counts.set(key.lockId, (counts.get(key.lockId) ?? 0) + 1);
      return counts;
    } catch (err) {
      this.context.logger.debug(
        `Unloc keys of lock holder ${lockHolderId} not read: ${toLockbridgeError(err).message}`,
      );
      return undefined;
    }
  }

  private async registerWebhook(lockHolderId: string, lockId: string): Promise<void> {
    if (!this.webhookUrl || this.webhookRegistered.has(lockId)) return;
    try {
      await this.client.addKeyEventWebhook(
        this.adminScope(lockHolderId),
        lockHolderId,
        lockId,
        this.webhookUrl,
      );
      this.webhookRegistered.add(lockId);
    } catch (err) {
      // Tried again next cycle.
      this.context.logger.warn(
        `Unloc key-event webhook for lock ${lockId} failed: ${toLockbridgeError(err).message}`,
      );
    }
  }

  private async placement(vendorLockId: string): Promise<Placement> {
    let found = this.placements.get(vendorLockId);
    if (!found) {
      await this.listLocks();
      found = this.placements.get(vendorLockId);
    }
    if (!found)
      throw new LockbridgeError('not_found', `Unloc lock ${vendorLockId} is not in this account`, {
        vendor: 'unloc',
      });
    return found;
  }

  async getLock(vendorLockId: string): Promise<DriverLock> {
    const p = await this.placement(vendorLockId);
    const lock = await this.client.getLock(
      this.scope(p.lockHolderId, p.access),
      p.lockHolderId,
      vendorLockId,
    );
    this.placements.set(vendorLockId, { ...p, lock });
    return unlocLockToDriverLock(lock, p.access, this.webhook !== undefined);
  }

  async command(
    vendorLockId: string,
    command: LockCommand,
    options: CommandOptions,
  ): Promise<DriverCommandOutcome> {
    if (command === 'STATUS') {
      options.signal.throwIfAborted();
      return { status: (await this.getLock(vendorLockId)).status };
    }
    throw new LockbridgeError(
      'not_supported',
      `Unloc has no remote ${command.toLowerCase()}: people open Unloc locks with a key in the Unloc app`,
      { vendor: 'unloc', requestId: options.requestId },
    );
  }

  // -- sharing -------------------------------------------------------------------------------------

  private async share(vendorLockId: string, request: ShareRequest): Promise<ShareResult> {
    if (this.v2 && (request.kind === 'duplicate' || request.kind === 'delete_duplicate'))
      throw new LockbridgeError(
        'not_supported',
        'Duplicating Unloc locks is only supported with the v1 Integrator API (apiVersion "v1")',
        { vendor: 'unloc' },
      );
    switch (request.kind) {
      case 'duplicate':
        return this.duplicate(vendorLockId, request);
      case 'delete_duplicate':
        return this.deleteDuplicate(vendorLockId, request.duplicateLockId, request.lockId);
      case 'key':
        return this.createKey(vendorLockId, request);
      case 'revoke_key': {
        const p = await this.adminPlacement(vendorLockId);
        if (typeof request.keyId !== 'string' || request.keyId.length === 0)
          throw new LockbridgeError('invalid_input', 'revoke_key needs a keyId');
        await this.client.revokeKey(
          this.adminScope(p.lockHolderId),
          p.lockHolderId,
          vendorLockId,
          request.keyId,
        );
        return { kind: 'revoke_key', lockId: request.lockId, data: { keyId: request.keyId } };
      }
      default:
        throw new LockbridgeError('not_supported', `Unloc cannot share with kind ${request.kind}`, {
          vendor: 'unloc',
        });
    }
  }

  private async duplicate(
    vendorLockId: string,
    request: Extract<ShareRequest, { kind: 'duplicate' }>,
  ): Promise<ShareResult> {
    const { toLockHolderId, toPhone } = request;
    if ((toLockHolderId ? 1 : 0) + (toPhone ? 1 : 0) !== 1)
      throw new LockbridgeError(
        'invalid_input',
        'A duplicate needs exactly one of toLockHolderId or toPhone',
      );
    if (toPhone !== undefined && !isE164(toPhone))
      throw new LockbridgeError('invalid_input', 'toPhone must be an E.164 phone number such as +4791234567');
    const p = await this.placement(vendorLockId);
    const duplicate = await this.client.duplicateLock(
      this.scope(p.lockHolderId, p.access),
      p.lockHolderId,
      vendorLockId,
      toLockHolderId ? { duplicatedLockHolderId: toLockHolderId } : { duplicateUserId: toPhone as string },
    );
    const record: DuplicateRecord = {
      id: duplicate.id,
      lockId: vendorLockId,
      sourceLockHolderId: p.lockHolderId,
      to: toLockHolderId ?? (toPhone as string),
      toKind: toLockHolderId ? 'lock_holder' : 'user',
      created: new Date(this.context.clock.now()).toISOString(),
    };
    this.duplicates.push(record);
    await this.saveDuplicates();
    // A duplicate owned by one of our lock holders is a new lock for this account.
    if (toLockHolderId && this.adminHolders.includes(toLockHolderId))
      this.pushes.emit({ type: 'locks_changed' });
    return {
      kind: 'duplicate',
      lockId: request.lockId,
      share: duplicateToShare(duplicate.id, request.lockId, record.to),
      data: { duplicateLockId: duplicate.id, ...(toLockHolderId ? { lockHolderId: toLockHolderId } : {}) },
    };
  }

  private async deleteDuplicate(
    vendorLockId: string,
    duplicateLockId: string,
    lockId: string,
  ): Promise<ShareResult> {
    if (typeof duplicateLockId !== 'string' || duplicateLockId.length === 0)
      throw new LockbridgeError('invalid_input', 'delete_duplicate needs a duplicateLockId');
    const record = this.duplicates.find((d) => d.id === duplicateLockId);
    const source = this.placements.get(vendorLockId);
    const owner = this.placements.get(duplicateLockId);
    // Deleting needs lockHolder.admin on the holder that owns the duplicate or the one it came from.
    const candidates = [
      owner?.access === 'admin' ? owner.lockHolderId : undefined,
      record && record.toKind === 'lock_holder' && this.adminHolders.includes(record.to)
        ? record.to
        : undefined,
      source?.access === 'admin' ? source.lockHolderId : undefined,
      record && this.adminHolders.includes(record.sourceLockHolderId) ? record.sourceLockHolderId : undefined,
    ].filter((id): id is string => id !== undefined);
    const lockHolderId = candidates[0];
    if (!lockHolderId)
      throw new LockbridgeError(
        'forbidden',
        'Deleting this duplicate needs lockHolder.admin on the lock holder that owns it or the one it came from',
        { vendor: 'unloc' },
      );
    try {
      await this.client.deleteDuplicate(this.adminScope(lockHolderId), lockHolderId, duplicateLockId);
    } catch (err) {
      if (toLockbridgeError(err).code === 'not_found') await this.forgetDuplicate(duplicateLockId);
      throw err;
    }
    await this.forgetDuplicate(duplicateLockId);
    if (owner) {
      this.placements.delete(duplicateLockId);
      this.pushes.emit({ type: 'locks_changed' });
    }
    return { kind: 'delete_duplicate', lockId, data: { duplicateLockId } };
  }

  private async forgetDuplicate(id: string): Promise<void> {
    const before = this.duplicates.length;
    this.duplicates = this.duplicates.filter((d) => d.id !== id);
    if (this.duplicates.length !== before) await this.saveDuplicates();
  }

  private async saveDuplicates(): Promise<void> {
    await writeJson(this.context.storage, DUPLICATES_FILE, this.duplicates);
  }

  private async adminPlacement(vendorLockId: string): Promise<Placement> {
    const p = await this.placement(vendorLockId);
    if (p.access !== 'admin')
      throw new LockbridgeError(
        'not_supported',
        'Keys need lockHolder.admin: this lock can only be duplicated',
        {
          vendor: 'unloc',
        },
      );
    return p;
  }

  private async createKey(
    vendorLockId: string,
    request: Extract<ShareRequest, { kind: 'key' }>,
  ): Promise<ShareResult> {
    const phone = request.toPhone ?? request.userId;
    if (!phone || !isE164(phone))
      throw new LockbridgeError('invalid_input', 'An Unloc key needs toPhone as an E.164 phone number');
    const timing = scheduleToUnlocKey(request.schedule);
    const p = await this.adminPlacement(vendorLockId);
    const key = await this.client.createKey(this.adminScope(p.lockHolderId), p.lockHolderId, vendorLockId, {
      userId: phone,
      ...timing,
      ...(request.name ? { metadata: { name: request.name } } : {}),
    });
    return {
      kind: 'key',
      lockId: request.lockId,
      share: unlocKeyToShare(key, request.lockId),
      data: { keyId: key.id, state: key.state },
    };
  }

  /** Keys (polled here) plus the duplicates of this lock: made by us, or seen in our listings. */
  private async listShares(vendorLockId: string): Promise<Share[]> {
    const p = await this.placement(vendorLockId);
    const lockId = lockIdFor('unloc', vendorLockId);
    const out: Share[] = [];
    if (p.access === 'admin') {
      const keys = await this.client.listKeys(this.adminScope(p.lockHolderId), p.lockHolderId, vendorLockId);
      out.push(...keys.map((k) => unlocKeyToShare(k, lockId)));
    }
    const ids = new Set<string>();
    for (const d of this.duplicates.filter((r) => r.lockId === vendorLockId)) {
      ids.add(d.id);
      out.push(duplicateToShare(d.id, lockId, d.to));
    }
    for (const [id, other] of this.placements) {
      if (other.lock.duplicatedFromLockId === vendorLockId && !ids.has(id))
        out.push(duplicateToShare(id, lockId, other.lockHolderId));
    }
    return out;
  }

  // -- key events ----------------------------------------------------------------------------------

  private onKeyEvent(body: unknown): void {
    const event = parseKeyEvent(body);
    if (!event) {
      this.context.logger.debug('Unloc webhook body ignored: not a key event');
      return;
    }
    // Unloc may deliver an event more than once.
    if (this.seenEvents.has(event.id)) return;
    this.seenEvents.add(event.id);
    if (this.seenEvents.size > SEEN_EVENTS_LIMIT) {
      const first = this.seenEvents.values().next().value;
      if (first !== undefined) this.seenEvents.delete(first);
    }
    if (!this.placements.has(event.lockId)) {
      this.context.logger.debug(`Unloc key event for a lock outside this account ignored`);
      return;
    }
    const action = keyEventToAction(event);
    if (action) this.pushes.emit({ type: 'activity', vendorLockId: event.lockId, action });
  }
}

export function createUnlocDriver(
  account: UnlocAccountConfig,
  context: DriverContext,
  options?: UnlocDriverOptions,
): UnlocDriver {
  return new UnlocDriver(account, context, options);
}
