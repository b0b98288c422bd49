import { randomUUID } from 'node:crypto';
import { EmulatorHttpError, EmulatorServer, type EmuRequest, type EmuResponse } from '../kit/server';
import { bearer } from '../kit/tokens';
import type { SeamActionAttempt, SeamEvent } from './types';
import { SEAM_ERROR_TYPES, seamError, seamErrorShape } from './errors';
import { type Params, optBool, paramsFrom } from './params';
import type { Registrar, RouteContext, SeamRouteHandler } from './registrar';
import { registerAccessCodeRoutes } from './routes-access-codes';
import { registerAcsRoutes } from './routes-acs';
import { registerDeviceRoutes } from './routes-devices';
import { registerEventRoutes } from './routes-events';
import { seedDemo, type SeamDemoIds } from './seed';
import { FAST_TIMINGS, REALISTIC_TIMINGS, SeamState, type SeamTimings } from './state';
import { WebhookDispatcher } from './webhooks';

export const SEAM_EMULATOR_API_KEY = 'seam_emulator_demo_apikey';

export interface SeamEmulatorOptions {
  /** 'fast' for tests (a few ms), 'realistic' for the sandbox, or explicit values. */
  timings?: 'fast' | 'realistic' | Partial<SeamTimings>;
  apiKeys?: string[];
  now?: () => number;
  /** Seeds the demo workspace (Nuki, Schlage, offline lock, Salto KS site). */
  seed?: boolean;
  /** Keep every request and answer in `exchanges` (conformance tests check them against Seam's schema). */
  recordExchanges?: boolean;
}

/** One request the emulator answered, as it came and as it went out. */
export interface SeamExchange {
  method: string;
  path: string;
  /** The JSON body (POST, PUT, PATCH, DELETE) or the query parameters (GET). */
  params: Record<string, unknown>;
  status: number;
  body: unknown;
}

/** At most this many exchanges are kept (the oldest go first). */
const EXCHANGE_LIMIT = 5000;

/** How long a `sync: true` request waits for its action attempt. */
const SYNC_WAIT_MS = 30_000;

/**
 * The emulated Seam Connect API on 127.0.0.1: Bearer API keys, Seam's error shape, action attempts
 * that resolve asynchronously, access codes under device constraints, the Salto KS ACS flow, events
 * and Svix-signed webhooks. Tests and the sandbox drive it through the typed methods below.
 */
export class SeamEmulator {
  readonly server = new EmulatorServer({ name: 'seam', errorShape: seamErrorShape });
  readonly state: SeamState;
  readonly webhooks: WebhookDispatcher;
  demo?: SeamDemoIds;
  readonly exchanges: SeamExchange[] = [];
  private readonly recordExchanges: boolean;
  private sweeper?: NodeJS.Timeout;
  private baseUrl = '';

  constructor(options: SeamEmulatorOptions = {}) {
    const t = options.timings;
    const timings =
      t === 'realistic'
        ? REALISTIC_TIMINGS
        : t === 'fast' || t === undefined
          ? FAST_TIMINGS
          : { ...FAST_TIMINGS, ...t };
    this.state = new SeamState({ ...timings }, options.now);
    this.recordExchanges = options.recordExchanges ?? false;
    for (const key of options.apiKeys ?? [SEAM_EMULATOR_API_KEY]) this.state.apiKeys.add(key);
    this.webhooks = new WebhookDispatcher(this.state);
    const registrar: Registrar = { add: (path, handler, methods) => this.add(path, handler, methods) };
    registerDeviceRoutes(registrar, this.state);
    registerAccessCodeRoutes(registrar, this.state);
    registerAcsRoutes(registrar, this.state);
    registerEventRoutes(registrar, this.state);
    if (options.seed) this.demo = seedDemo(this.state);
  }

  get faults() {
    return this.server.faults;
  }

  get url(): string {
    return this.server.url;
  }

  async listen(port = 0): Promise<string> {
    this.baseUrl = await this.server.listen(port, '127.0.0.1');
    this.webhooks.start();
    this.sweeper = setInterval(() => this.state.sweep(), this.state.timings.sweepMs);
    this.sweeper.unref?.();
    return this.baseUrl;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.webhooks.stop();
    await this.server.close();
  }

  private add(path: string, handler: SeamRouteHandler, methods = ['GET', 'POST']): void {
    for (const method of methods) this.server.route(method, path, (req) => this.handle(req, handler));
  }

  private async handle(req: EmuRequest, handler: SeamRouteHandler): Promise<EmuResponse> {
    const requestId = randomUUID();
    let params: Params = {};
    try {
      this.authenticate(req.headers);
      this.state.sweep();
      params = paramsFrom(req.method, req.body, req.query);
      const ctx: RouteContext = { baseUrl: this.baseUrl, settle: (attempt, p) => this.settle(attempt, p) };
      const result = await handler(params, ctx);
      const body = { ...result, ok: true };
      this.record(req, params, 200, body);
      return { status: 200, body, headers: { 'seam-request-id': requestId } };
    } catch (err) {
      if (err instanceof EmulatorHttpError) {
        this.record(req, params, err.status, seamErrorShape(err.status, err.message, err.extra));
        throw new EmulatorHttpError(err.status, err.message, err.extra, {
          ...err.headers,
          'seam-request-id': requestId,
        });
      }
      throw err;
    }
  }

  private record(req: EmuRequest, params: Params, status: number, body: unknown): void {
    if (!this.recordExchanges) return;
    // A deep copy: the answer's objects live on in the state and change after they were sent.
    this.exchanges.push(
      JSON.parse(
        JSON.stringify({ method: req.method, path: req.path, params, status, body }),
      ) as SeamExchange,
    );
    if (this.exchanges.length > EXCHANGE_LIMIT)
      this.exchanges.splice(0, this.exchanges.length - EXCHANGE_LIMIT);
  }

  private authenticate(headers: Record<string, string>): void {
    if (!headers['authorization'])
      throw seamError(401, SEAM_ERROR_TYPES.unauthorized, 'No Authorization header');
    const key = bearer(headers);
    if (!key || !this.state.apiKeys.has(key))
      throw seamError(401, SEAM_ERROR_TYPES.unauthorized, 'API Key not found');
  }

  /** `sync: true` waits for the attempt to finish, like Seam; otherwise the pending attempt answers. */
  private async settle(attempt: SeamActionAttempt, p: Params): Promise<SeamActionAttempt> {
    if (optBool(p, 'sync')) {
      const until = Date.now() + SYNC_WAIT_MS;
      while (attempt.status === 'pending' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, Math.max(1, Math.min(this.state.timings.sweepMs, 50))));
        this.state.sweep();
      }
    }
    return { ...attempt };
  }

  // -- in-process control for tests and the sandbox ------------------------------------------------------

  addApiKey(key: string): void {
    this.state.apiKeys.add(key);
  }

  revokeApiKey(key: string): void {
    this.state.apiKeys.delete(key);
  }

  setOnline(deviceId: string, online: boolean): void {
    this.state.setOnline(deviceId, online);
  }

  /** Somebody turns the thumb turn or the key. */
  simulateManual(deviceId: string, locked: boolean): SeamEvent {
    return this.state.setLocked(deviceId, locked, 'manual');
  }

  /** The next lock/unlock of this device fails as jammed. */
  jamNext(deviceId: string): void {
    this.state.mustDevice(deviceId);
    this.state.jammed.add(deviceId);
  }

  setBattery(deviceId: string, level: number): void {
    this.state.setBattery(deviceId, level);
  }

  /**
   * Somebody types a code on the keypad: a set code unlocks (and a one-time code is then removed),
   * anything else is lock.access_denied.
   */
  simulateKeypadEntry(deviceId: string, code: string): SeamEvent {
    this.state.sweep();
    const device = this.state.mustDevice(deviceId);
    const record = [...this.state.codes.values()].find(
      (r) => r.code.device_id === deviceId && r.code.code === code && r.code.status === 'set',
    );
    if (!record)
      return this.state.emit('lock.access_denied', {
        device_id: deviceId,
        connected_account_id: device.connected_account_id,
      });
    const event = this.state.setLocked(deviceId, false, 'keycode', {
      access_code_id: record.code.access_code_id,
    });
    if (record.code.is_one_time_use) this.state.beginRemoval(record);
    return event;
  }

  /** Gives a connected account an existing set of codes (pin_code_matches_existing_set). */
  setExistingPinSet(connectedAccountId: string, codes: string[]): void {
    this.state.existingPinSets.set(connectedAccountId, [...codes]);
  }
}
