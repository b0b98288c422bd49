import { randomUUID } from 'node:crypto';
import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import { EventFanout, type Unsubscribe } from '../../core/events';
import {
  lockIdFor,
  type LastAction,
  type LockCommand,
  type Share,
  type ShareRequest,
  type ShareResult,
} from '../../core/model';
import { readJson, writeJson } from '../../core/storage';
import type { SmartphoneKeyAccountConfig } from '../../config/types';
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
import { SHADOW_FAILED_REASON, SmartphoneKeyClient } from './client';
import {
  lastOpenAction,
  parseWebhookEnvelope,
  spkKeyToShare,
  spkLockToDriverLock,
  webhookToPushes,
} from './mapping';
import { parseShadowUpdate, ShadowVersionGate, type ShadowReport, type ShadowUpdate } from './shadow';
import { SPK_DEFAULT_BASE_URL } from './paths';
import type { SpkAccessibleLock, SpkOwnedLock } from './types';
import { WebhookListener } from '../../http/webhook-listener';
import { spkWebhookAuthorizer, type SpkWebhookAuth } from './webhook-auth';

export interface SmartphoneKeyDriverOptions {
  retry?: RetryPolicy;
  timeoutMs?: number;
}

/** What basic-info told us once: the uuid joins accessible-locks (ids) to owned-locks (uuids). */
interface LockIdentity {
  uuid: string;
  serialNumber?: string;
  /** The lock's organisation: a delivery about this lock must carry it as detail.partnerId. */
  orgId?: string;
}

interface Known {
  accessible: SpkAccessibleLock;
  owned?: SpkOwnedLock;
  uuid?: string;
}

const IDENTITIES_FILE = 'smartphonekey-locks.json';
const SEEN_LIMIT = 500;

/**
 * SmartphoneKey as a VendorDriver. Locks come from accessible-locks (ids, names, access level) joined
 * with owned-locks (online state) through each lock's uuid, read once from basic-info and kept in
 * storage: two calls per cycle whatever the number of locks. OPEN is momentary (OpenLock through the
 * device shadow); there is no lock or unlock. Keys are AddKey/RemoveKey. With `webhook` configured,
 * EventBridge deliveries give activity (LockOpenRequested) and the state the shadow reports.
 *
 * Access codes: not managed. SmartphoneKey's API has no call to set, list or delete panel PINs (only
 * open-with-pin, which a door panel calls), so the driver declares no 'access_codes' and no codeRules.
 */
export class SmartphoneKeyDriver implements VendorDriver {
  readonly vendor = 'smartphonekey';
  readonly account: string;
  readonly client: SmartphoneKeyClient;
  readonly shares: ShareDriver;
  private readonly pushes: EventFanout<DriverPush>;
  private identities: Record<string, LockIdentity> = {};
  private readonly known = new Map<string, Known>();
  private readonly shadows = new Map<string, ShadowReport>();
  private readonly shadowGate = new ShadowVersionGate();
  private readonly webhookAuth?: SpkWebhookAuth;
  private readonly lastActions = new Map<string, LastAction>();
  private readonly seen = new Set<string>();
  private webhook?: WebhookListener;

  constructor(
    private readonly config: SmartphoneKeyAccountConfig,
    private readonly context: DriverContext,
    options: SmartphoneKeyDriverOptions = {},
  ) {
    this.account = config.id;
    this.pushes = new EventFanout<DriverPush>(() =>
      context.logger.warn('A push listener threw; the other listeners still ran'),
    );
    context.redactor.addSecret(config.webhook?.bearer);
    context.redactor.addSecret(config.webhook?.auth?.secret);
    const hook = config.webhook;
    this.webhookAuth =
      hook?.auth ?? (hook?.bearer ? { type: 'bearer_token', secret: hook.bearer } : undefined);
    // Checked now, so a bad auth setting is a configuration error at start, not a 401 storm later.
    if (this.webhookAuth) spkWebhookAuthorizer(this.webhookAuth);
    this.client = new SmartphoneKeyClient({
      baseURL: config.baseUrl ?? SPK_DEFAULT_BASE_URL,
      apiKey: config.apiKey,
      jwt: config.jwt,
      budget: context.budget,
      logger: context.logger,
      redactor: context.redactor,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
    });
    this.shares = {
      share: (vendorLockId, request) => this.share(vendorLockId, request),
      list: (vendorLockId) => this.listShares(vendorLockId),
    };
  }

  /** The URL of the webhook listener, to set as the API destination (tests use it too). */
  get webhookUrl(): string | undefined {
    return this.webhook?.url;
  }

  async start(): Promise<void> {
    const stored = await readJson<Record<string, LockIdentity>>(this.context.storage, IDENTITIES_FILE);
    this.identities = stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {};
    const hook = this.config.webhook;
    if (hook) {
      this.webhook = new WebhookListener({
        host: hook.listenHost ?? '127.0.0.1',
        port: hook.listenPort ?? 0,
        path: hook.path ?? '/smartphonekey/events',
        authorize: this.webhookAuth ? spkWebhookAuthorizer(this.webhookAuth) : undefined,
        onEvent: (body) => this.onWebhook(body),
      });
      await this.webhook.start();
    }
    try {
      // Proves the credentials before the hub starts polling.
      await this.listLocks();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.webhook?.stop();
    this.webhook = undefined;
    this.pushes.clear();
  }

  onPush(listener: (push: DriverPush) => void): Unsubscribe {
    return this.pushes.subscribe(listener);
  }

  async listLocks(): Promise<DriverLock[]> {
    const [accessible, owned] = await Promise.all([
      this.client.accessibleLocks(this.config.userId),
      this.client.ownedLocks(this.config.userId),
    ]);
    const ownedByUuid = new Map(owned.map((o) => [o.lockUuid, o]));
    const out: DriverLock[] = [];
    this.known.clear();
    for (const a of accessible) {
      if (!a || (typeof a.lockId !== 'number' && typeof a.lockId !== 'string')) continue;
      const id = String(a.lockId);
      const identity = await this.identity(id);
      const o = identity ? ownedByUuid.get(identity.uuid) : undefined;
      this.known.set(id, { accessible: a, owned: o, uuid: identity?.uuid });
      out.push(
        spkLockToDriverLock({
          accessible: a,
          owned: o,
          serialNumber: identity?.serialNumber,
          shadow: this.shadows.get(id),
          lastAction: this.lastActions.get(id) ?? null,
          push: this.webhook !== undefined,
        }),
      );
    }
    return out;
  }

  /** The lock's uuid, from storage or (once per lock) from basic-info. */
  private async identity(lockId: string): Promise<LockIdentity | undefined> {
    const cached = this.identities[lockId];
    if (cached) return cached;
    try {
      const info = await this.client.basicInfo(lockId);
      if (!info || typeof info.uuid !== 'string') return undefined;
      const identity: LockIdentity = {
        uuid: info.uuid,
        serialNumber: info.serialNumber,
        ...(typeof info.orgId === 'string' ? { orgId: info.orgId } : {}),
      };
      this.identities[lockId] = identity;
      await writeJson(this.context.storage, IDENTITIES_FILE, this.identities);
      return identity;
    } catch (err) {
      const e = toLockbridgeError(err);
      if (e.code !== 'forbidden' && e.code !== 'not_found') throw e;
      // A lock we may open but not read: listed without the owned-locks details.
      this.context.logger.debug(`SmartphoneKey basic-info for lock ${lockId}: ${e.code}`);
      return undefined;
    }
  }

  async getLock(vendorLockId: string): Promise<DriverLock> {
    const lock = (await this.listLocks()).find((l) => l.vendorLockId === vendorLockId);
    if (!lock)
      throw new LockbridgeError('not_found', `SmartphoneKey lock ${vendorLockId} is not accessible`, {
        vendor: 'smartphonekey',
      });
    if (!lock.status.lastAction) {
      // The read-back after a command: the event log says when the lock was last opened.
      const page = await this.client.events(vendorLockId);
      const action = lastOpenAction(Array.isArray(page?.events) ? page.events : []);
      if (action) lock.status.lastAction = action;
    }
    return lock;
  }

  async command(
    vendorLockId: string,
    command: LockCommand,
    options: CommandOptions,
  ): Promise<DriverCommandOutcome> {
    if (command === 'STATUS') return { status: (await this.getLock(vendorLockId)).status };
    if (command !== 'OPEN')
      throw new LockbridgeError(
        'not_supported',
        `SmartphoneKey locks only open (momentarily); they cannot ${command.toLowerCase()}`,
        {
          vendor: 'smartphonekey',
          requestId: options.requestId,
        },
      );
    await this.refuseIfOffline(vendorLockId, options);
    // Our own id, new for each command and never the client's text (an MQTT transaction may be
    // reused, and SmartphoneKey would take the second OPEN as a duplicate and not open). The HTTP
    // client's retries resend the same body, so a retry of this command carries the same id and the
    // lock opens at most once.
    const requestId = randomUUID();
    try {
      await this.client.openLock(
        vendorLockId,
        { requestId, reason: 'Lockbridge' },
        { signal: options.signal, deadline: options.deadline },
      );
    } catch (err) {
      const e = toLockbridgeError(err);
      if (e.reasons.some((r) => r.code === SHADOW_FAILED_REASON))
        throw new LockbridgeError(
          'vendor_unavailable',
          'SmartphoneKey could not update the device shadow; the open was not delivered',
          {
            vendor: 'smartphonekey',
            status: 502,
            requestId: options.requestId,
            reasons: e.reasons,
            cause: e,
          },
        );
      throw e;
    }
    return { momentary: true };
  }

  /**
   * An open sent to an offline lock is queued in its shadow and runs whenever the device comes back,
   * long after the command's deadline, and SmartphoneKey has no call to cancel it. So the lock's
   * connectivity is read fresh (owned-locks) and an offline lock is refused before anything is sent.
   * For a lock the user does not own, the last shadow `available` is all there is to go on.
   */
  private async refuseIfOffline(vendorLockId: string, options: CommandOptions): Promise<void> {
    const uuid = this.known.get(vendorLockId)?.uuid ?? this.identities[vendorLockId]?.uuid;
    let online: boolean | undefined;
    if (uuid) {
      const known = this.known.get(vendorLockId);
      try {
        const owned = (await this.client.ownedLocks(this.config.userId, { signal: options.signal })).find(
          (o) => o?.lockUuid === uuid,
        );
        if (owned) {
          online = owned.online !== false;
          if (known) known.owned = owned;
        }
      } catch (err) {
        // Out of time: nothing is sent. Any other failure of this read: the last listing decides.
        if (options.signal.aborted) throw toLockbridgeError(err);
        this.context.logger.debug(
          `SmartphoneKey owned-locks before OPEN failed: ${toLockbridgeError(err).code}`,
        );
        if (known?.owned) online = known.owned.online !== false;
      }
    }
    if (online === undefined) online = this.shadows.get(vendorLockId)?.online;
    if (online === false)
      throw new LockbridgeError(
        'lock_offline',
        `SmartphoneKey lock ${vendorLockId} is offline; nothing was sent`,
        {
          vendor: 'smartphonekey',
          requestId: options.requestId,
        },
      );
  }

  // -- keys -----------------------------------------------------------------------------------------

  private async share(vendorLockId: string, request: ShareRequest): Promise<ShareResult> {
    if (request.kind === 'key') {
      if (!request.userId || typeof request.userId !== 'string')
        throw new LockbridgeError('invalid_input', 'A SmartphoneKey key needs the userId (UUID) it is for');
      if (request.schedule && request.schedule.kind !== 'always')
        throw new LockbridgeError('not_supported', 'SmartphoneKey keys have no schedule');
      const keyUuid = randomUUID();
      await this.client.addKey(vendorLockId, { keyUuid, userId: request.userId });
      const share: Share = spkKeyToShare({ uuid: keyUuid, userId: request.userId }, request.lockId);
      return { kind: 'key', lockId: request.lockId, share, data: { keyUuid } };
    }
    if (request.kind === 'revoke_key') {
      if (!request.keyId || typeof request.keyId !== 'string')
        throw new LockbridgeError('invalid_input', 'revoke_key needs the key uuid as keyId');
      await this.client.removeKey(vendorLockId, { keyUuid: request.keyId });
      return { kind: 'revoke_key', lockId: request.lockId, data: { keyUuid: request.keyId } };
    }
    throw new LockbridgeError('not_supported', `SmartphoneKey cannot share with kind ${request.kind}`, {
      vendor: 'smartphonekey',
    });
  }

  private async listShares(vendorLockId: string): Promise<Share[]> {
    const details = await this.client.details(vendorLockId);
    const lockId = lockIdFor('smartphonekey', vendorLockId);
    return (Array.isArray(details?.keys) ? details.keys : []).map((k) => spkKeyToShare(k, lockId));
  }

  // -- webhooks -------------------------------------------------------------------------------------

  private onWebhook(body: unknown): void {
    const envelope = parseWebhookEnvelope(body);
    if (!envelope) {
      this.context.logger.debug('SmartphoneKey webhook body ignored: not an EventBridge envelope');
      return;
    }
    // EventBridge delivers at least once: dedupe on the envelope id.
    if (this.seen.has(envelope.id)) return;
    this.seen.add(envelope.id);
    if (this.seen.size > SEEN_LIMIT) {
      const first = this.seen.values().next().value;
      if (first !== undefined) this.seen.delete(first);
    }
    const shadow = parseShadowUpdate(envelope);
    if (shadow) {
      this.onShadow(shadow);
      return;
    }
    const pushes = webhookToPushes(envelope, (id) => {
      if (this.known.has(id)) return id;
      for (const [lockId, k] of this.known) if (k.uuid === id) return lockId;
      return undefined;
    });
    for (const push of pushes) {
      if (push.type !== 'locks_changed' && !this.partnerMatches(push.vendorLockId, envelope.detail)) continue;
      if (push.type === 'activity') this.lastActions.set(push.vendorLockId, push.action);
      this.pushes.emit(push);
    }
  }

  /**
   * Defence in depth (events-webhooks.mdx "confirm detail.partnerId equals your orgId"): a delivery
   * that names another organisation than the lock's own (from basic-info) is not about this lock.
   */
  private partnerMatches(vendorLockId: string, detail: Record<string, unknown>): boolean {
    const partnerId = detail.partnerId;
    const orgId = this.identities[vendorLockId]?.orgId;
    if (typeof partnerId !== 'string' || !orgId || partnerId === orgId) return true;
    this.context.logger.debug(
      `SmartphoneKey delivery for lock ${vendorLockId} names another partner; ignored`,
    );
    return false;
  }

  /**
   * What the device reports. Deliveries come out of order and may be forged, so the version gate
   * decides which to believe (shadow.ts); a status is pushed only for the fields that changed.
   */
  private onShadow(update: ShadowUpdate): void {
    let vendorLockId: string | undefined;
    for (const [lockId, k] of this.known)
      if (k.owned?.thingName === update.thingName || k.uuid === update.thingName) vendorLockId = lockId;
    if (!vendorLockId || !this.partnerMatches(vendorLockId, { partnerId: update.partnerId })) return;
    if (!this.shadowGate.accept(update.thingName, update.version)) {
      this.context.logger.debug(`SmartphoneKey shadow version for lock ${vendorLockId} ignored`);
      return;
    }
    const before = this.shadows.get(vendorLockId) ?? {};
    const after: ShadowReport = { ...before, ...update.report };
    this.shadows.set(vendorLockId, after);
    const changed: ShadowReport = {};
    for (const key of Object.keys(update.report) as Array<keyof ShadowReport>)
      if (before[key] !== after[key]) Object.assign(changed, { [key]: after[key] });
    if (Object.keys(changed).length > 0) this.pushes.emit({ type: 'status', vendorLockId, status: changed });
  }
}
