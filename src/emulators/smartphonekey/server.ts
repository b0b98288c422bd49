import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { EmulatorServer, type ErrorShape } from '../kit';
import { MATTER, type EventBridgeEnvelope } from './api';
import { registerSpkRoutes } from './routes';
import { SpkState, type EmuSpkLock, type SpkSeed } from './state';

export interface SpkEmulatorOptions {
  /** How long the device takes to report the open in its shadow. */
  shadowReportDelayMs?: number;
  /** How long the latch stays open before the device reports locked again. */
  relockDelayMs?: number;
  /** Wrong panel PINs before the panel answers 429, and for how long. */
  maxWrongPins?: number;
  panelLockoutMs?: number;
  now?: () => number;
  seed?: SpkSeed;
}

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Error',
  503: 'Service Unavailable',
};

/**
 * Errors: OA documents three shapes by route ({success, error, message} for OpenLock 502, AddKey,
 * RemoveKey and events; {success, errors: [{code, message}]} for basic-info, details and the user
 * lists; {error} for open-with-pin) and the seed adds `code`. One body carries all of them.
 */
export const spkErrorShape: ErrorShape = (status, message, extra) => ({
  success: false,
  error: typeof extra.error === 'string' ? extra.error : (ERROR_NAMES[status] ?? 'Error'),
  message,
  code: status,
  errors: [{ code: status, message }],
});

/**
 * How deliveries are authenticated (WH "Webhook Authentication"): a Bearer, a static secret in a
 * header of the partner's choosing, or (WH up to 0aaa414) an HMAC-SHA256 hex of the body in a header.
 */
export type SpkWebhookSigning =
  | { type: 'bearer_token'; secret: string }
  | { type: 'header'; header: string; secret: string }
  | { type: 'hmac_sha256'; header: string; secret: string };

export interface SpkDelivery {
  url: string;
  envelopeId: string;
  detailType: string;
  status?: number;
  error?: string;
}

/**
 * The SmartphoneKey B2C API on 127.0.0.1: X-API-Key or Bearer JWT with ownership checks, OpenLock
 * through a device shadow (502 "Failed to update device shadow" on injected shadow failures, requestId
 * dedupe so a retry never opens twice, opens queued while offline), basic-info, details, paged events,
 * AddKey/RemoveKey, owned and accessible lock lists, door-panel open-with-pin with a wrong-PIN lockout,
 * and EventBridge webhooks (lock events and shadow updates).
 */
export class SmartphoneKeyEmulator {
  readonly server: EmulatorServer;
  readonly state = new SpkState();
  readonly deliveries: SpkDelivery[] = [];
  shadowReportDelayMs: number;
  relockDelayMs: number;
  readonly panel: { maxWrongPins: number; lockoutMs: number; unavailable: boolean };
  private readonly now: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private shadowFailures: { count: number; afterApply: boolean } = { count: 0, afterApply: false };
  private webhook?: { url: string; signing?: SpkWebhookSigning; duplicate: boolean };

  constructor(options: SpkEmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.shadowReportDelayMs = options.shadowReportDelayMs ?? 800;
    this.relockDelayMs = options.relockDelayMs ?? 5000;
    this.panel = {
      maxWrongPins: options.maxWrongPins ?? 5,
      lockoutMs: options.panelLockoutMs ?? 60_000,
      unavailable: false,
    };
    this.server = new EmulatorServer({ name: 'smartphonekey', errorShape: spkErrorShape });
    registerSpkRoutes(this.server, {
      state: this.state,
      now: this.now,
      panel: this.panel,
      requestOpen: (lock, data) => this.requestOpen(lock, data),
      panelOpen: (lock) => this.panelOpen(lock),
      appendEvent: (lock, type, data) => this.appendEvent(lock, type, data),
    });
    if (options.seed) this.state.seed(options.seed, this.now());
  }

  start(): Promise<string> {
    return this.server.listen();
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.server.close();
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // -- test and sandbox API -------------------------------------------------------------------------

  seed(seed: SpkSeed): this {
    this.state.seed(seed, this.now());
    return this;
  }

  lock(id: number): EmuSpkLock {
    const lock = this.state.locks.get(id);
    if (!lock) throw new Error(`No SmartphoneKey lock ${id}`);
    return lock;
  }

  /**
   * The next `count` shadow updates fail with 502. afterApply: the shadow was updated but the answer
   * still says 502 (the retry must then not open a second time).
   */
  failShadowUpdates(count: number, options: { afterApply?: boolean } = {}): void {
    this.shadowFailures = { count, afterApply: options.afterApply ?? false };
  }

  /** The device goes on- or offline; opens queued in the shadow run when it comes back. */
  setOnline(id: number, online: boolean): void {
    const lock = this.lock(id);
    lock.online = online;
    this.updateShadow(lock, { reported: { ...lock.shadow.reported, available: online } });
    if (online) {
      const queued = lock.queuedOpens;
      lock.queuedOpens = 0;
      for (let i = 0; i < queued; i++) this.later(() => this.deviceOpens(lock), this.shadowReportDelayMs);
    }
  }

  /** EventBridge API destination (set in the partner portal in real life). duplicate: deliver twice. */
  setWebhook(
    url: string | undefined,
    options: { bearer?: string; signing?: SpkWebhookSigning; duplicate?: boolean } = {},
  ): void {
    const signing: SpkWebhookSigning | undefined =
      options.signing ?? (options.bearer ? { type: 'bearer_token', secret: options.bearer } : undefined);
    this.webhook = url ? { url, signing, duplicate: options.duplicate ?? false } : undefined;
  }

  // -- behaviour ------------------------------------------------------------------------------------

  private appendEvent(lock: EmuSpkLock, type: string, data: Record<string, unknown>) {
    const event = this.state.appendEvent(lock, type, data, this.now());
    this.emit('spk.api', type, [`lock/${lock.id}`], {
      partnerId: lock.orgId,
      aggregateType: 'Lock',
      aggregateId: String(lock.id),
      version: event.version,
      timestamp: this.now(),
      data: { type, ...event.event },
    });
    return event;
  }

  private requestOpen(
    lock: EmuSpkLock,
    data: Record<string, unknown>,
  ): { ok: true; envelope: unknown } | { ok: false } {
    const failing = this.shadowFailures.count > 0;
    if (failing) this.shadowFailures.count -= 1;
    if (failing && !this.shadowFailures.afterApply) return { ok: false };
    const event = this.appendEvent(lock, 'LockOpenRequested', { lockId: lock.id, uuid: lock.uuid, ...data });
    const envelope = {
      success: true,
      aggregateId: String(lock.id),
      version: lock.version,
      event: { type: 'LockOpenRequested', data: event.event },
    };
    if (typeof data.requestId === 'string') lock.requests.set(data.requestId, envelope);
    this.updateShadow(lock, { desired: OPEN_PATCH });
    if (lock.online) this.later(() => this.deviceOpens(lock), this.shadowReportDelayMs);
    else lock.queuedOpens += 1;
    return failing ? { ok: false } : { ok: true, envelope };
  }

  private panelOpen(lock: EmuSpkLock): { offline: boolean } {
    this.updateShadow(lock, { desired: OPEN_PATCH });
    if (!lock.online) {
      lock.queuedOpens += 1;
      return { offline: true };
    }
    this.later(() => this.deviceOpens(lock), this.shadowReportDelayMs);
    return { offline: false };
  }

  /** The device acts: reports open, then locked again after the relock delay. */
  private deviceOpens(lock: EmuSpkLock): void {
    lock.opens += 1;
    this.updateShadow(lock, {
      reported: { ...lock.shadow.reported, [MATTER.lockState]: MATTER.unlatched },
      desired: {},
    });
    this.later(
      () =>
        this.updateShadow(lock, { reported: { ...lock.shadow.reported, [MATTER.lockState]: MATTER.locked } }),
      this.relockDelayMs,
    );
  }

  private updateShadow(
    lock: EmuSpkLock,
    change: { desired?: Record<string, unknown>; reported?: Record<string, unknown> },
  ): void {
    lock.shadow.version += 1;
    if (change.desired) lock.shadow.desired = change.desired;
    if (change.reported) lock.shadow.reported = change.reported;
    const delta: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(lock.shadow.desired)) if (lock.shadow.reported[k] !== v) delta[k] = v;
    const at = Math.floor(this.now() / 1000);
    const stamps = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.keys(o).map((k) => [k, { timestamp: at }]));
    // WH "IoT Shadow Update Payload": the four state fields are stringified JSON; version a number.
    this.emit('spk.iot.shadow', 'Shadow Update', [lock.thingName], {
      partnerId: lock.orgId,
      thingName: lock.thingName,
      reportedState: JSON.stringify(lock.shadow.reported),
      desiredState: JSON.stringify(lock.shadow.desired),
      deltaState: JSON.stringify(delta),
      metadata: JSON.stringify({
        desired: stamps(lock.shadow.desired),
        reported: stamps(lock.shadow.reported),
      }),
      version: lock.shadow.version,
    });
  }

  private emit(
    source: string,
    detailType: string,
    resources: string[],
    detail: Record<string, unknown>,
  ): void {
    const hook = this.webhook;
    if (!hook) return;
    const envelope: EventBridgeEnvelope = {
      id: randomUUID(),
      source,
      'detail-type': detailType,
      time: new Date(this.now()).toISOString(),
      region: 'eu-west-1',
      account: '000000000000',
      version: '0',
      resources,
      detail,
    };
    for (let i = 0; i < (hook.duplicate ? 2 : 1); i++) this.deliver(hook, envelope);
  }

  private deliver(hook: { url: string; signing?: SpkWebhookSigning }, envelope: EventBridgeEnvelope): void {
    const record: SpkDelivery = {
      url: hook.url,
      envelopeId: envelope.id,
      detailType: envelope['detail-type'],
    };
    this.deliveries.push(record);
    const payload = JSON.stringify(envelope);
    const req = httpRequest(
      hook.url,
      {
        method: 'POST',
        agent: false,
        timeout: 2000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...signingHeaders(hook.signing, payload),
        },
      },
      (res) => {
        record.status = res.statusCode;
        res.resume();
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => (record.error = err.message));
    req.end(payload);
  }
}

/**
 * [INF] What the device is asked to do: MS AttributeStatePatch (a single-entry patch) with DoorLock
 * LockState unlatched. The documents do not say what OpenLock writes to the desired shadow.
 */
const OPEN_PATCH: Record<string, unknown> = { [MATTER.lockState]: MATTER.unlatched };

function signingHeaders(signing: SpkWebhookSigning | undefined, payload: string): Record<string, string> {
  if (!signing) return {};
  switch (signing.type) {
    case 'bearer_token':
      return { authorization: `Bearer ${signing.secret}` };
    case 'header':
      return { [signing.header.toLowerCase()]: signing.secret };
    case 'hmac_sha256':
      return {
        [signing.header.toLowerCase()]: createHmac('sha256', signing.secret).update(payload).digest('hex'),
      };
  }
}
