import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { EmulatorServer, type ErrorShape } from '../kit';
import type { SpkWebhookEnvelope } from '../../vendors/smartphonekey/types';
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

/** The seed's error shape: {error, message, code}. */
export const spkErrorShape: ErrorShape = (status, message, extra) => ({
  error: typeof extra.error === 'string' ? extra.error : (ERROR_NAMES[status] ?? 'Error'),
  message,
  code: status,
});

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
  private webhook?: { url: string; bearer?: string; duplicate: boolean };

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
    if (online) {
      const queued = lock.queuedOpens;
      lock.queuedOpens = 0;
      for (let i = 0; i < queued; i++) this.later(() => this.deviceOpens(lock), this.shadowReportDelayMs);
    }
  }

  /** EventBridge API destination (set in the partner portal in real life). duplicate: deliver twice. */
  setWebhook(url: string | undefined, options: { bearer?: string; duplicate?: boolean } = {}): void {
    this.webhook = url ? { url, bearer: options.bearer, duplicate: options.duplicate ?? false } : undefined;
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
    this.updateShadow(lock, { desired: { lockState: 'open' } });
    if (lock.online) this.later(() => this.deviceOpens(lock), this.shadowReportDelayMs);
    else lock.queuedOpens += 1;
    return failing ? { ok: false } : { ok: true, envelope };
  }

  private panelOpen(lock: EmuSpkLock): { offline: boolean } {
    this.updateShadow(lock, { desired: { lockState: 'open' } });
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
    this.updateShadow(lock, { reported: { lockState: 'open' }, desired: {} });
    this.later(() => this.updateShadow(lock, { reported: { lockState: 'locked' } }), this.relockDelayMs);
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
    this.emit('spk.iot.shadow', 'Shadow Update', [lock.thingName], {
      partnerId: lock.orgId,
      thingName: lock.thingName,
      reportedState: { ...lock.shadow.reported },
      desiredState: { ...lock.shadow.desired },
      deltaState: JSON.stringify(delta),
      metadata: {},
      // The shadow's own version: receivers order (possibly out-of-order) deliveries by it.
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
    const envelope: SpkWebhookEnvelope = {
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

  private deliver(hook: { url: string; bearer?: string }, envelope: SpkWebhookEnvelope): void {
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
          ...(hook.bearer ? { authorization: `Bearer ${hook.bearer}` } : {}),
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
