import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import {
  EventFanout,
  type AccountStatus,
  type LockEvent,
  type LockEventListener,
  type Unsubscribe,
} from '../../core/events';
import type { CodeValidation, GenerateOptions, LockSource } from '../../core/lock-source';
import { silentLogger, type Logger } from '../../core/logger';
import type {
  AccessCode,
  AccessCodeInput,
  CodeOperationResult,
  CodeSetInput,
  CodeSetResult,
  CommandRequest,
  CommandResult,
  Lock,
  Share,
  ShareRequest,
  ShareResult,
} from '../../core/model';
import { MqttConnection, type IncomingMessage } from '../connection';
import { isObject } from '../params';
import { DEFAULT_BASE_TOPIC } from '../settings';
import { Topics } from '../topics';
import { decodeLastAction } from '../wire';
import { PendingRequests } from './pending-requests';
import { RemoteState } from './remote-state';

export interface MqttLockSourceOptions {
  /** The broker the lockbridge daemon publishes on (mqtt://, mqtts://, ws://). */
  url: string;
  username?: string;
  password?: string;
  baseTopic?: string;
  clientId?: string;
  /** PEM text or file paths. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  /** How long a request waits for its answer (default 45 s; a command gets its own timeout + 5 s). */
  requestTimeoutMs?: number;
  /** Sent with UNLOCK and OPEN when the daemon guards its locks with an unlock code. */
  unlockCode?: string;
  logger?: Logger;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 45_000;

/**
 * The LockSource interface over MQTT: Homebridge and Node-RED use a running lockbridge daemon instead
 * of opening their own vendor connections (one API budget for a household). Locks and accounts come
 * from the daemon's retained topics; everything else is a request on `<base>/bridge/request/<op>`
 * answered on `<base>/bridge/response/<op>`, matched by transaction id. Errors arrive as the
 * daemon's LockbridgeErrors, code and all.
 */
export class MqttLockSource implements LockSource {
  private readonly topics: Topics;
  private readonly logger: Logger;
  private readonly state = new RemoteState();
  private readonly pending = new PendingRequests();
  private readonly events: EventFanout<LockEvent>;
  private connection?: MqttConnection;
  private bridgeOnline = true;
  private starting?: Promise<void>;
  private stopped = false;
  private listedWaiters = new Set<() => void>();

  constructor(private readonly options: MqttLockSourceOptions) {
    this.topics = new Topics(
      (options.baseTopic ?? DEFAULT_BASE_TOPIC).replace(/^\/+|\/+$/g, '') || DEFAULT_BASE_TOPIC,
    );
    this.logger = options.logger ?? silentLogger;
    this.events = new EventFanout<LockEvent>((err) =>
      this.logger.error(`A lock event listener failed: ${toLockbridgeError(err).message}`),
    );
  }

  private get timeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  // ---- lifecycle -------------------------------------------------------------------------------------

  /** Connects and waits for the daemon's lock list; rejects (and disconnects) if it never comes. */
  start(): Promise<void> {
    this.starting ??= this.connect();
    return this.starting;
  }

  private async connect(): Promise<void> {
    const o = this.options;
    const connection = await MqttConnection.connect({
      url: o.url,
      username: o.username,
      password: o.password,
      clientId: o.clientId,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      rejectUnauthorized: o.rejectUnauthorized,
      protocolVersion: 'auto',
      logger: this.logger,
      connectTimeoutMs: Math.min(this.timeoutMs, 10_000),
    });
    this.connection = connection;
    try {
      const t = this.topics;
      // States first, then the list: retained messages arrive per subscription, so every listed lock
      // already has its state when the list comes.
      await connection.subscribe(t.anyLock('state'), (m) => this.onState(m));
      await connection.subscribe(t.bridgeAccounts, (m) => this.emitAll(this.state.onAccounts(parse(m))));
      await connection.subscribe(t.anyLock('activity'), (m) => this.onActivity(m));
      await connection.subscribe(t.anyLock('code'), (m) => this.onCode(m));
      await connection.subscribe(t.allResponses, (m) => this.onResponse(m));
      await connection.subscribe(t.bridgeLocks, (m) => this.onLocks(m));
      await this.waitForList();
    } catch (err) {
      this.connection = undefined;
      await connection.close();
      throw toLockbridgeError(err);
    }
  }

  private waitForList(): Promise<void> {
    if (this.state.listed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listedWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listedWaiters.delete(done);
        reject(
          new LockbridgeError(
            'vendor_unavailable',
            `No lockbridge daemon publishes under ${this.topics.base}/ on this broker`,
          ),
        );
      }, this.timeoutMs);
      this.listedWaiters.add(done);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    this.pending.rejectAll(new LockbridgeError('shutting_down', 'The MQTT lock source is stopping'));
    await this.connection?.close();
    this.connection = undefined;
    this.events.clear();
  }

  // ---- incoming --------------------------------------------------------------------------------------

  private onState(m: IncomingMessage): void {
    if (m.topic === this.topics.bridgeState) {
      const value = parse(m);
      this.bridgeOnline = !(isObject(value) && value.state === 'offline');
      return;
    }
    const lockId = this.topics.lockOf(m.topic, 'state');
    if (lockId) this.emitAll(this.state.onState(lockId, parse(m)));
  }

  private onLocks(m: IncomingMessage): void {
    const events = this.state.onLocks(parse(m));
    for (const done of [...this.listedWaiters]) done();
    this.emitAll(events);
  }

  private onActivity(m: IncomingMessage): void {
    const lockId = this.topics.lockOf(m.topic, 'activity');
    const action = decodeLastAction(parse(m));
    if (lockId && action) this.events.emit({ type: 'activity', lockId, action });
  }

  private onCode(m: IncomingMessage): void {
    const lockId = this.topics.lockOf(m.topic, 'code');
    const body = parse(m);
    if (!lockId || !isObject(body) || !isObject(body.code)) return;
    const event: LockEvent = { type: 'code', lockId, code: body.code as unknown as AccessCode };
    if (isObject(body.result)) event.result = body.result as unknown as CodeOperationResult;
    this.events.emit(event);
  }

  private onResponse(m: IncomingMessage): void {
    const operation = this.topics.operationOfResponse(m.topic);
    if (operation) this.pending.settle(operation, parse(m));
  }

  private emitAll(events: LockEvent[]): void {
    for (const e of events) this.events.emit(e);
  }

  // ---- requests ----------------------------------------------------------------------------------------

  private async request(
    operation: string,
    params: Record<string, unknown>,
    timeoutMs = this.timeoutMs,
  ): Promise<unknown> {
    const connection = this.ready();
    if (!this.bridgeOnline)
      throw new LockbridgeError('vendor_unavailable', 'The lockbridge daemon is offline');
    const { transaction, result } = this.pending.open(operation, timeoutMs);
    connection
      .publish(this.topics.request(operation), JSON.stringify({ ...params, transaction }), { qos: 1 })
      .catch((err) => this.pending.fail(transaction, toLockbridgeError(err, 'vendor_unavailable')));
    return result;
  }

  private ready(): MqttConnection {
    if (this.stopped) throw new LockbridgeError('shutting_down', 'The MQTT lock source is stopped');
    if (!this.connection || !this.state.listed)
      throw new LockbridgeError('not_ready', 'The MQTT lock source is not started');
    return this.connection;
  }

  // ---- LockSource ----------------------------------------------------------------------------------------

  accounts(): AccountStatus[] {
    return this.state.accounts();
  }

  async submitTwoFactorCode(account: string, code: string): Promise<void> {
    await this.request('two_factor/submit', { account, code });
  }

  async requestTwoFactorCode(account: string): Promise<void> {
    await this.request('two_factor/request', { account });
  }

  async listLocks(): Promise<Lock[]> {
    this.ready();
    return this.state.locks();
  }

  async getLock(lockId: string): Promise<Lock> {
    this.ready();
    const lock = typeof lockId === 'string' ? this.state.lock(lockId) : undefined;
    if (!lock) throw new LockbridgeError('not_found', `Unknown lock "${String(lockId).slice(0, 80)}"`);
    return lock;
  }

  async command(request: CommandRequest): Promise<CommandResult> {
    const params: Record<string, unknown> = { lock: request.lockId, command: request.command };
    if (request.expiresAt !== undefined) params.expires_at = request.expiresAt;
    if (request.timeoutMs !== undefined) params.timeout_ms = request.timeoutMs;
    if (this.options.unlockCode && (request.command === 'UNLOCK' || request.command === 'OPEN'))
      params.code = this.options.unlockCode;
    const timeout = Math.max(this.timeoutMs, (request.timeoutMs ?? 0) + 5000);
    const result = (await this.request('command', params, timeout)) as CommandResult;
    // The daemon echoed our correlation id; the caller gets its own transaction back.
    const out: CommandResult = { ...result };
    if (request.transaction !== undefined) out.transaction = request.transaction;
    else delete out.transaction;
    return out;
  }

  async listCodes(lockId: string): Promise<AccessCode[]> {
    return (await this.request('codes/list', { lock: lockId })) as AccessCode[];
  }

  async createCode(lockId: string, input: AccessCodeInput): Promise<CodeOperationResult> {
    return (await this.request('codes/create', { ...input, lock: lockId })) as CodeOperationResult;
  }

  async updateCode(
    lockId: string,
    codeId: string,
    input: Partial<AccessCodeInput>,
  ): Promise<CodeOperationResult> {
    return (await this.request('codes/update', { ...input, lock: lockId, codeId })) as CodeOperationResult;
  }

  async deleteCode(lockId: string, codeId: string): Promise<CodeOperationResult> {
    return (await this.request('codes/delete', { lock: lockId, codeId })) as CodeOperationResult;
  }

  async generateCode(lockId: string, options: GenerateOptions = {}): Promise<string> {
    const data = await this.request('codes/generate', { ...options, lock: lockId });
    if (!isObject(data) || typeof data.code !== 'string')
      throw new LockbridgeError('internal', 'The daemon answered codes/generate without a code');
    return data.code;
  }

  async validateCode(lockId: string, input: AccessCodeInput): Promise<CodeValidation> {
    return (await this.request('codes/validate', { ...input, lock: lockId })) as CodeValidation;
  }

  async createCodeSet(input: CodeSetInput): Promise<CodeSetResult> {
    return (await this.request('codes/set', { ...input })) as CodeSetResult;
  }

  async share(request: ShareRequest): Promise<ShareResult> {
    const { lockId, ...rest } = request;
    return (await this.request('share', { ...rest, lock: lockId })) as ShareResult;
  }

  async listShares(lockId: string): Promise<Share[]> {
    return (await this.request('shares/list', { lock: lockId })) as Share[];
  }

  subscribe(listener: LockEventListener): Unsubscribe {
    return this.events.subscribe(listener);
  }
}

/** A JSON payload, or undefined for an empty or malformed one (the daemon's topics are not trusted blindly). */
function parse(m: IncomingMessage): unknown {
  if (m.payload.length === 0) return undefined;
  try {
    return JSON.parse(m.payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
