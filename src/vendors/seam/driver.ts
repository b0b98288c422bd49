import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import { EventFanout, type Unsubscribe } from '../../core/events';
import { sleep } from '../../core/clock';
import { readJson, writeJson } from '../../core/storage';
import type {
  AccessCode,
  AccessCodeInput,
  LockCommand,
  Share,
  ShareRequest,
  ShareResult,
} from '../../core/model';
import type { SeamAccountConfig } from '../../config/types';
import type {
  CodeDriver,
  CommandOptions,
  DriverCommandOutcome,
  DriverContext,
  DriverFactory,
  DriverLock,
  DriverPush,
  ShareDriver,
  VendorDriver,
} from '../driver';
import { SeamClient, type AccessCodeUpdateBody } from './client';
import { actionAttemptError } from './errors';
import { SeamEventPoller } from './event-poller';
import {
  accessCodeFromSeam,
  deviceToDriverLock,
  isAccessCodeEvent,
  pushesFromEvent,
  scheduleToSeam,
} from './mapping';
import { MobileKeyGrants } from './mobile-keys';
import { SEAM_DEFAULT_BASE_URL, SEAM_TIMING } from './paths';
import type { SeamAcsSystem, SeamActionAttempt, SeamDevice, SeamEvent, SeamWebhook } from './types';
import { SeamWebhookReceiver } from './webhook-receiver';
import { EventOrder } from './event-order';

/** Timings tests shorten; the defaults are Seam's own (SDK polling, Svix tolerance). */
export interface SeamDriverTuning {
  actionAttemptPollMs?: number;
  eventPollMs?: number;
  webhookToleranceSeconds?: number;
  /** HTTP retries for idempotent calls (tests set 0 or 1). */
  retries?: number;
  retryBaseDelayMs?: number;
}

const WEBHOOK_FILE = 'webhook.json';
const CODE_EVENTS_GONE = new Set(['access_code.deleted', 'access_code.removed_from_device']);

export class SeamDriver implements VendorDriver {
  readonly vendor = 'seam';
  readonly account: string;
  readonly client: SeamClient;
  private readonly pushes: EventFanout<DriverPush>;
  /** Older events never overwrite newer ones (Svix and the events list deliver in no set order). */
  private readonly eventOrder = new EventOrder();
  private readonly grants: MobileKeyGrants;
  private readonly locks = new Map<string, { lock: DriverLock; device: SeamDevice }>();
  /** access_code_id -> name, for "who" in lock activity. Names only: never the PIN. */
  private readonly codeNames = new Map<string, string>();
  private acsSystems: SeamAcsSystem[] = [];
  private poller?: SeamEventPoller;
  private receiver?: SeamWebhookReceiver;
  private webhook?: SeamWebhook;
  private listenUrl?: string;
  private started = false;
  readonly codes: CodeDriver;
  readonly shares: ShareDriver;

  constructor(
    private readonly config: SeamAccountConfig,
    private readonly context: DriverContext,
    private readonly tuning: SeamDriverTuning = {},
  ) {
    this.account = config.id;
    if (typeof config.apiKey !== 'string' || config.apiKey.length === 0)
      throw new LockbridgeError('invalid_config', 'Seam account needs an apiKey', { vendor: 'seam' });
    context.redactor.addSecret(config.apiKey);
    this.client = new SeamClient({
      apiKey: config.apiKey,
      baseURL: (config.baseUrl ?? SEAM_DEFAULT_BASE_URL).replace(/\/+$/, ''),
      budget: context.budget,
      redactor: context.redactor,
      logger: context.logger,
      retry:
        tuning.retries !== undefined
          ? { retries: tuning.retries, baseDelayMs: tuning.retryBaseDelayMs ?? 50, maxDelayMs: 1000 }
          : undefined,
    });
    this.pushes = new EventFanout<DriverPush>((err) =>
      context.logger.warn(`Seam push listener failed: ${err instanceof Error ? err.name : 'error'}`),
    );
    this.grants = new MobileKeyGrants(this.client, context.storage, context.clock, context.logger);
    this.codes = {
      list: (id) => this.listCodes(id),
      create: (id, input) => this.createCode(id, input),
      update: (id, codeId, input) => this.updateCode(id, codeId, input),
      delete: (id, codeId) => this.deleteCode(id, codeId),
      generate: (id) => this.client.generateCode(id),
    };
    this.shares = {
      share: (id, request) => this.share(id, request),
      list: (id) => this.grants.list(id),
    };
  }

  // -- lifecycle --------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    // The first list proves the key (a wrong key ends here with auth_failed).
    await this.listLocks();
    this.started = true;
    if (this.config.webhook) await this.startWebhook(this.config.webhook);
    else {
      this.poller = new SeamEventPoller({
        client: this.client,
        clock: this.context.clock,
        logger: this.context.logger,
        intervalMs:
          this.tuning.eventPollMs ?? (this.config.eventPollSeconds ?? SEAM_TIMING.eventPollSeconds) * 1000,
        onEvent: (event) => this.handleEvent(event),
      });
      this.poller.start();
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.poller?.stop();
    this.poller = undefined;
    await this.receiver?.stop();
    this.receiver = undefined;
    this.listenUrl = undefined;
    this.pushes.clear();
  }

  /** The events/list poller, when the account polls (tests poll on demand through it). */
  get eventPoller(): SeamEventPoller | undefined {
    return this.poller;
  }

  get webhookReceiver(): SeamWebhookReceiver | undefined {
    return this.receiver;
  }

  private async startWebhook(webhook: NonNullable<SeamAccountConfig['webhook']>): Promise<void> {
    this.receiver = new SeamWebhookReceiver({
      host: webhook.listenHost ?? '127.0.0.1',
      port: webhook.listenPort ?? 0,
      secret: () => this.webhook?.secret,
      onEvent: (event) => this.handleEvent(event),
      logger: this.context.logger,
      clock: this.context.clock,
      toleranceSeconds: this.tuning.webhookToleranceSeconds ?? SEAM_TIMING.webhookToleranceSeconds,
    });
    this.listenUrl = await this.receiver.start();
    // One webhook per URL: reuse the stored one, so restarts do not register duplicates at Seam.
    const stored = await readJson<SeamWebhook>(this.context.storage, WEBHOOK_FILE);
    if (stored && stored.url === webhook.url && typeof stored.secret === 'string') this.webhook = stored;
    else {
      this.webhook = await this.client.createWebhook(webhook.url);
      if (typeof this.webhook.secret !== 'string')
        throw new LockbridgeError('vendor_error', 'Seam webhooks/create answered without a secret', {
          vendor: 'seam',
        });
      await writeJson(this.context.storage, WEBHOOK_FILE, this.webhook);
    }
    this.context.redactor.addSecret(this.webhook.secret);
  }

  /** The local URL the webhook receiver listens on (for the user's proxy, and tests). */
  get webhookListenUrl(): string | undefined {
    return this.listenUrl;
  }

  // -- locks ------------------------------------------------------------------------------------------

  private mobileKeySystemFor(device: SeamDevice): SeamAcsSystem | undefined {
    return this.acsSystems.find(
      (s) =>
        !s.is_credential_manager &&
        (s.connected_account_id === device.connected_account_id ||
          (s.connected_account_ids ?? []).includes(device.connected_account_id)) &&
        (s.external_type ?? s.system_type) === 'salto_ks_site',
    );
  }

  private remember(device: SeamDevice): DriverLock {
    const lock = deviceToDriverLock(device, { mobileKeys: this.mobileKeySystemFor(device) !== undefined });
    this.locks.set(device.device_id, { lock, device });
    return lock;
  }

  private async refreshAcsSystems(): Promise<void> {
    try {
      this.acsSystems = await this.client.listAcsSystems();
    } catch (err) {
      // A workspace without access systems (or a key without ACS rights) simply has no mobile keys.
      if (isLockbridgeError(err) && ['not_found', 'forbidden', 'not_supported'].includes(err.code))
        this.acsSystems = [];
      else throw err;
    }
  }

  /** One locks/list per cycle whatever the number of locks (ACS systems are fetched at start). */
  async listLocks(): Promise<DriverLock[]> {
    if (!this.started) await this.refreshAcsSystems();
    const devices = await this.client.listLocks();
    this.locks.clear();
    return devices.map((d) => this.remember(d));
  }

  async getLock(vendorLockId: string): Promise<DriverLock> {
    return this.remember(await this.client.getLock(vendorLockId));
  }

  private async known(vendorLockId: string): Promise<{ lock: DriverLock; device: SeamDevice }> {
    const cached = this.locks.get(vendorLockId);
    if (cached) return cached;
    await this.getLock(vendorLockId);
    return this.locks.get(vendorLockId) as { lock: DriverLock; device: SeamDevice };
  }

  async command(
    vendorLockId: string,
    command: LockCommand,
    options: CommandOptions,
  ): Promise<DriverCommandOutcome> {
    if (command === 'STATUS') return { status: (await this.getLock(vendorLockId)).status };
    const { lock } = await this.known(vendorLockId);
    const capability = command === 'LOCK' ? 'lock' : command === 'UNLOCK' ? 'unlock' : 'open';
    if (!lock.capabilities.includes(capability))
      throw new LockbridgeError('not_supported', `This Seam lock cannot ${command.toLowerCase()}`, {
        vendor: 'seam',
        lockId: vendorLockId,
      });
    // Non-idempotent: never re-sent after a timeout or reset (the action attempt id is the receipt).
    let attempt =
      command === 'LOCK'
        ? await this.client.lockDoor(vendorLockId, options.signal, options.deadline)
        : await this.client.unlockDoor(vendorLockId, options.signal, options.deadline);
    attempt = await this.resolveAttempt(attempt, options.signal);
    if (attempt.status === 'error')
      throw actionAttemptError(attempt.error, vendorLockId, attempt.action_type);
    // A successful action attempt is authoritative: the lock did it.
    const state = command === 'LOCK' ? 'LOCKED' : 'UNLOCKED';
    const status = { ...lock.status, state, online: true } as DriverLock['status'];
    lock.status = status;
    return { status };
  }

  private async resolveAttempt(attempt: SeamActionAttempt, signal: AbortSignal): Promise<SeamActionAttempt> {
    let current = attempt;
    while (current.status === 'pending') {
      try {
        await sleep(this.tuning.actionAttemptPollMs ?? SEAM_TIMING.actionAttemptPollMs, signal);
      } catch {
        throw new LockbridgeError('timeout', `Seam ${attempt.action_type} did not finish in time`, {
          vendor: 'seam',
        });
      }
      current = await this.client.getActionAttempt(current.action_attempt_id, signal);
    }
    return current;
  }

  // -- access codes -----------------------------------------------------------------------------------

  private toCode(code: Parameters<typeof accessCodeFromSeam>[0]): AccessCode {
    if (code.name) this.codeNames.set(code.access_code_id, code.name);
    return accessCodeFromSeam(code, this.context.clock.now());
  }

  private async listCodes(vendorLockId: string): Promise<AccessCode[]> {
    // Only this lock's codes: the fake answers every code of the workspace for an unknown device_id.
    return (await this.client.listAccessCodes(vendorLockId))
      .filter((c) => c.device_id === vendorLockId)
      .map((c) => this.toCode(c));
  }

  private async createCode(
    vendorLockId: string,
    input: AccessCodeInput & { code: string },
  ): Promise<AccessCode> {
    const res = await this.client.createAccessCode({
      device_id: vendorLockId,
      name: input.name,
      // An empty code means "the lock picks" (cannot_specify_pin_code): Seam must not see a code then.
      ...(input.code ? { code: input.code } : {}),
      ...scheduleToSeam(input.schedule),
    });
    return this.toCode(res.access_code);
  }

  private async ownCode(vendorLockId: string, codeId: string) {
    const code = await this.client.getAccessCode(codeId);
    if (code.device_id !== vendorLockId)
      throw new LockbridgeError('not_found', 'No such access code on this lock', {
        vendor: 'seam',
        lockId: vendorLockId,
      });
    return code;
  }

  private async updateCode(
    vendorLockId: string,
    codeId: string,
    input: Partial<AccessCodeInput>,
  ): Promise<AccessCode> {
    await this.ownCode(vendorLockId, codeId);
    const body: AccessCodeUpdateBody = { access_code_id: codeId };
    if (input.name !== undefined) body.name = input.name;
    if (input.code !== undefined) body.code = input.code;
    if (input.schedule) {
      Object.assign(body, scheduleToSeam(input.schedule));
      if (input.schedule.kind !== 'one_time') body.is_one_time_use = false;
      body.type = input.schedule.kind === 'time_bound' ? 'time_bound' : 'ongoing';
      if (input.schedule.kind === 'one_time' && !input.schedule.start) body.type = 'ongoing';
    }
    await this.client.updateAccessCode(body);
    return this.toCode(await this.client.getAccessCode(codeId));
  }

  private async deleteCode(vendorLockId: string, codeId: string): Promise<void> {
    await this.ownCode(vendorLockId, codeId);
    await this.client.deleteAccessCode(codeId);
  }

  // -- shares (Salto KS mobile keys) ------------------------------------------------------------------

  private async share(vendorLockId: string, request: ShareRequest): Promise<ShareResult> {
    if (request.kind === 'revoke_mobile_key') return this.grants.revoke(vendorLockId, request);
    if (request.kind !== 'mobile_key')
      throw new LockbridgeError('not_supported', `Seam does not support ${request.kind} shares`, {
        vendor: 'seam',
      });
    MobileKeyGrants.validate(request);
    const { device } = await this.known(vendorLockId);
    if (this.acsSystems.length === 0) await this.refreshAcsSystems();
    const system = this.mobileKeySystemFor(device);
    if (!system)
      throw new LockbridgeError('not_supported', 'This lock is not part of a Salto KS access system', {
        vendor: 'seam',
        lockId: vendorLockId,
      });
    return this.grants.grant(vendorLockId, request, system);
  }

  listShares(vendorLockId: string): Promise<Share[]> {
    return this.grants.list(vendorLockId);
  }

  // -- push -------------------------------------------------------------------------------------------

  onPush(listener: (push: DriverPush) => void): Unsubscribe {
    return this.pushes.subscribe(listener);
  }

  /** Webhook deliveries and polled events end here. */
  handleEvent(event: SeamEvent): void {
    for (const push of pushesFromEvent(event, (id) => this.codeNames.get(id))) {
      if (push.type === 'locks_changed') void this.refreshAcsSystems().catch(() => undefined);
      if (push.type === 'status') {
        const newer = this.eventOrder.newer(push, event.occurred_at);
        if (newer) this.pushes.emit(newer);
        else
          this.context.logger.debug(
            `Seam ${event.event_type} for ${push.vendorLockId} is older news; state kept`,
          );
        continue;
      }
      this.pushes.emit(push);
    }
    if (isAccessCodeEvent(event) && event.device_id) void this.pushCode(event);
  }

  private async pushCode(event: SeamEvent): Promise<void> {
    const id = event.access_code_id as string;
    const deviceId = event.device_id as string;
    const gone = (): AccessCode => ({
      id,
      lockId: deviceId,
      name: this.codeNames.get(id) ?? '',
      schedule: { kind: 'always' },
      status: 'removed',
    });
    try {
      const code = CODE_EVENTS_GONE.has(event.event_type)
        ? gone()
        : this.toCode(await this.client.getAccessCode(id));
      this.pushes.emit({ type: 'code', vendorLockId: deviceId, code });
    } catch (err) {
      if (isLockbridgeError(err) && err.code === 'not_found')
        this.pushes.emit({ type: 'code', vendorLockId: deviceId, code: gone() });
      else
        this.context.logger.warn(
          `Seam code event ${event.event_type} not resolved: ${isLockbridgeError(err) ? err.code : 'error'}`,
        );
    }
  }
}

export function createSeamDriver(
  account: SeamAccountConfig,
  context: DriverContext,
  tuning?: SeamDriverTuning,
): SeamDriver {
  return new SeamDriver(account, context, tuning);
}

export const seamDriverFactory: DriverFactory = (account, context) => {
  if (account.vendor !== 'seam')
    throw new LockbridgeError('invalid_config', `Seam driver given a ${account.vendor} account`);
  return createSeamDriver(account, context);
};
