import { request as httpRequest, type ClientRequest } from 'node:http';
import { LockbridgeError } from '../../../src/core/errors';
import { EventFanout } from '../../../src/core/events';
import type { AccessCode, Capability, LockCommand, LockState } from '../../../src/core/model';
import { HttpClient } from '../../../src/http/client';
import type { AccountBase } from '../../../src/config/types';
import type {
  CodeDriver,
  CommandOptions,
  DriverCommandOutcome,
  DriverContext,
  DriverLock,
  DriverPush,
  VendorDriver,
} from '../../../src/vendors/driver';

/** The account config of the test vendor (it is not a configurable vendor in production). */
export interface TestAccountConfig extends AccountBase {
  vendor: 'testvendor';
  apiKey: string;
  baseUrl: string;
}

interface WireLock {
  id: string;
  name: string;
  state: 'locked' | 'unlocked' | 'jammed' | 'open';
  door: 'open' | 'closed' | 'unknown';
  battery: number | null;
  online: boolean;
  canOpen: boolean;
  keypad: boolean;
}
interface WireCode {
  id: string;
  name: string;
  code: string;
  status: 'setting' | 'set' | 'removing';
}

const STATE: Record<WireLock['state'], LockState> = {
  locked: 'LOCKED',
  unlocked: 'UNLOCKED',
  jammed: 'JAMMED',
  open: 'OPEN',
};

function toDriverLock(w: WireLock): DriverLock {
  const capabilities: Capability[] = ['lock', 'unlock', 'lock_state', 'door_sensor'];
  if (w.battery !== null) capabilities.push('battery');
  capabilities.push('push');
  if (w.canOpen) capabilities.push('open');
  if (w.keypad) capabilities.push('access_codes');
  return {
    vendorLockId: w.id,
    name: w.name,
    manufacturer: 'Test Vendor',
    model: 'TV-1',
    serialNumber: `SN-${w.id}`,
    firmware: '1.0.0',
    capabilities,
    codeRules: w.keypad
      ? { lengths: [4, 5, 6], numeric: true, maxActive: 20, schedules: ['always'], constraints: [] }
      : undefined,
    status: {
      state: STATE[w.state],
      door: w.door,
      battery: w.battery,
      batteryLow: w.battery !== null && w.battery < 20,
      online: w.online,
      lastAction: null,
    },
  };
}

function toCode(lockId: string, c: WireCode): AccessCode {
  return {
    id: c.id,
    lockId,
    name: c.name,
    code: c.code,
    schedule: { kind: 'always' },
    status: c.status === 'set' ? 'set' : c.status === 'setting' ? 'pending' : 'removing',
  };
}

/** A real driver over HTTP for the test vendor, with push over server-sent events. */
export class TestVendorDriver implements VendorDriver {
  readonly vendor = 'testvendor';
  readonly account: string;
  private readonly http: HttpClient;
  private readonly pushes = new EventFanout<DriverPush>();
  private events?: ClientRequest;
  private stopped = false;
  readonly codes: CodeDriver;

  constructor(
    private readonly config: TestAccountConfig,
    context: DriverContext,
  ) {
    this.account = config.id;
    context.redactor.addSecret(config.apiKey);
    this.http = new HttpClient({
      vendor: 'testvendor',
      baseURL: config.baseUrl,
      budget: context.budget,
      redactor: context.redactor,
      logger: context.logger,
      headers: { 'x-test-key': config.apiKey },
      retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 100 },
      mapError: (status) =>
        status === 422
          ? new LockbridgeError('lock_offline', 'The lock is offline', { vendor: 'testvendor', status })
          : undefined,
    });
    const http = this.http;
    this.codes = {
      async list(lockId) {
        const res = await http.request<{ codes: WireCode[] }>({
          method: 'GET',
          url: `/locks/${encodeURIComponent(lockId)}/codes`,
        });
        return res.data.codes.map((c) => toCode(lockId, c));
      },
      async create(lockId, input) {
        const res = await http.request<WireCode>({
          method: 'POST',
          url: `/locks/${encodeURIComponent(lockId)}/codes`,
          data: { name: input.name, code: input.code },
        });
        return toCode(lockId, res.data);
      },
      async update() {
        throw new LockbridgeError('not_supported', 'The test vendor cannot update codes; delete and create');
      },
      async delete(lockId, codeId) {
        await http.request({
          method: 'DELETE',
          url: `/locks/${encodeURIComponent(lockId)}/codes/${encodeURIComponent(codeId)}`,
        });
      },
    };
  }

  get requestsSent(): number {
    return this.http.sent;
  }

  async start(): Promise<void> {
    await this.http.request({ method: 'GET', url: '/locks' });
    this.openEvents();
  }

  private openEvents(): void {
    if (this.stopped) return;
    const req = httpRequest(
      `${this.config.baseUrl}/events`,
      { headers: { 'x-test-key': this.config.apiKey } },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let i;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (data) this.onEvent(JSON.parse(data.slice(6)) as Record<string, unknown>);
          }
        });
      },
    );
    req.on('error', () => undefined);
    req.end();
    this.events = req;
  }

  private onEvent(e: Record<string, unknown>): void {
    const lockId = String(e.lockId);
    if (typeof e.state === 'string') {
      this.pushes.emit({
        type: 'status',
        vendorLockId: lockId,
        status: { state: STATE[e.state as WireLock['state']] },
      });
      if (typeof e.who === 'string' && typeof e.at === 'string') {
        this.pushes.emit({
          type: 'activity',
          vendorLockId: lockId,
          action: {
            action: STATE[e.state as WireLock['state']],
            who: e.who,
            how: e.how === 'remote' ? 'remote' : 'manual',
            at: e.at,
          },
        });
      }
    }
    if (typeof e.online === 'boolean')
      this.pushes.emit({ type: 'status', vendorLockId: lockId, status: { online: e.online } });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.events?.destroy();
    this.pushes.clear();
  }

  async listLocks(): Promise<DriverLock[]> {
    const res = await this.http.request<{ locks: WireLock[] }>({ method: 'GET', url: '/locks' });
    return res.data.locks.map(toDriverLock);
  }

  async getLock(id: string): Promise<DriverLock> {
    const res = await this.http.request<WireLock>({ method: 'GET', url: `/locks/${encodeURIComponent(id)}` });
    return toDriverLock(res.data);
  }

  async command(id: string, command: LockCommand, options: CommandOptions): Promise<DriverCommandOutcome> {
    if (command === 'STATUS') return { status: (await this.getLock(id)).status };
    await this.http.request({
      method: 'POST',
      url: `/locks/${encodeURIComponent(id)}/commands`,
      data: { command: command.toLowerCase(), requestId: options.requestId },
      idempotent: false,
      signal: options.signal,
      deadline: options.deadline,
    });
    return {};
  }

  onPush(listener: (push: DriverPush) => void): () => void {
    return this.pushes.subscribe(listener);
  }
}

export function testVendorFactory(account: unknown, context: DriverContext): VendorDriver {
  return new TestVendorDriver(account as TestAccountConfig, context);
}
