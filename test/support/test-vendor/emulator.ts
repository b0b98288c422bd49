import type { ServerResponse } from 'node:http';
import { EmulatorHttpError, EmulatorServer, type EmuRequest } from '../../../src/emulators/kit';

/**
 * A small vendor emulator built on the kit, for testing the hub and every LockSource before (and
 * besides) the real vendors: locks with state, asynchronous commands, access codes that go pending ->
 * set, server-sent events for push, and a control API for tests (physical actions, jams, outages).
 */
export interface TestLock {
  id: string;
  name: string;
  state: 'locked' | 'unlocked' | 'jammed' | 'open';
  door: 'open' | 'closed' | 'unknown';
  /** null: the lock reports no battery (it then has no battery capability). */
  battery: number | null;
  online: boolean;
  canOpen: boolean;
  /** A lock without keypad has no codes. */
  keypad: boolean;
  codes: Array<{ id: string; name: string; code: string; status: 'setting' | 'set' | 'removing' }>;
}

export interface TestEmulatorOptions {
  apiKey?: string;
  /** Delay before a command takes effect (ms). */
  commandDelayMs?: number;
  /** Delay before a code reaches the lock (ms). */
  codeDelayMs?: number;
  /** Whether state changes are pushed over /events. */
  push?: boolean;
}

export class TestVendorEmulator {
  readonly server = new EmulatorServer({
    name: 'testvendor',
    errorShape: (status, message) => ({ error: { status, message } }),
  });
  readonly locks = new Map<string, TestLock>();
  /** Every command the emulator accepted, for assertions (no unlock sent twice ...). */
  readonly commands: Array<{ lockId: string; command: string; requestId: string }> = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private codeSeq = 0;
  readonly apiKey: string;

  constructor(private readonly options: TestEmulatorOptions = {}) {
    this.apiKey = options.apiKey ?? 'tv_secret_key_123456';
    const s = this.server;
    s.route('GET', '/locks', (req) => {
      this.auth(req);
      return { status: 200, body: { locks: [...this.locks.values()].map(publicLock) } };
    });
    s.route('GET', '/locks/:id', (req) => {
      this.auth(req);
      return { status: 200, body: publicLock(this.lock(req.params.id)) };
    });
    s.route('POST', '/locks/:id/commands', (req) => this.command(req));
    s.route('GET', '/locks/:id/codes', (req) => {
      this.auth(req);
      return { status: 200, body: { codes: this.lock(req.params.id).codes } };
    });
    s.route('POST', '/locks/:id/codes', (req) => this.createCode(req));
    s.route('DELETE', '/locks/:id/codes/:codeId', (req) => this.deleteCode(req));
    s.stream('GET', '/events', (req, res) => {
      if (req.headers['x-test-key'] !== this.apiKey || this.options.push === false) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': hello\n\n');
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
    });
  }

  start(): Promise<string> {
    return this.server.listen();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    await this.server.close();
  }

  get url(): string {
    return this.server.url;
  }

  // ---- control API for tests -----------------------------------------------------------------------

  addLock(partial: Partial<TestLock> & { id: string }): TestLock {
    const lock: TestLock = {
      name: `Lock ${partial.id}`,
      state: 'locked',
      door: 'closed',
      battery: 90,
      online: true,
      canOpen: false,
      keypad: true,
      codes: [],
      ...partial,
    };
    this.locks.set(lock.id, lock);
    return lock;
  }

  removeLock(id: string): void {
    this.locks.delete(id);
  }

  /** Someone turned the key by hand. */
  physical(id: string, state: TestLock['state'], who = 'Alice'): void {
    const lock = this.lock(id);
    lock.state = state;
    this.push({ type: 'status', lockId: id, state, who, how: 'manual', at: new Date().toISOString() });
  }

  setOnline(id: string, online: boolean): void {
    this.lock(id).online = online;
    this.push({ type: 'status', lockId: id, online });
  }

  // ---- handlers ------------------------------------------------------------------------------------

  private auth(req: EmuRequest): void {
    if (req.headers['x-test-key'] !== this.apiKey) throw new EmulatorHttpError(401, 'Bad API key');
  }

  private lock(id: string): TestLock {
    const lock = this.locks.get(id);
    if (!lock) throw new EmulatorHttpError(404, 'No such lock');
    return lock;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private command(req: EmuRequest) {
    this.auth(req);
    const lock = this.lock(req.params.id);
    const body = (req.body ?? {}) as { command?: string; requestId?: string };
    if (!lock.online) throw new EmulatorHttpError(422, 'Lock offline');
    const target = { lock: 'locked', unlock: 'unlocked', open: 'open' }[body.command ?? ''] as
      TestLock['state'] | undefined;
    if (!target) throw new EmulatorHttpError(400, 'Unknown command');
    if (target === 'open' && !lock.canOpen) throw new EmulatorHttpError(501, 'Lock cannot open');
    this.commands.push({ lockId: lock.id, command: body.command ?? '', requestId: body.requestId ?? '' });
    this.later(this.options.commandDelayMs ?? 20, () => {
      if (lock.state === 'jammed') return this.push({ type: 'status', lockId: lock.id, state: 'jammed' });
      lock.state = target;
      this.push({
        type: 'status',
        lockId: lock.id,
        state: target,
        who: 'Lockbridge',
        how: 'remote',
        at: new Date().toISOString(),
      });
    });
    return { status: 202, body: { accepted: true } };
  }

  private createCode(req: EmuRequest) {
    this.auth(req);
    const lock = this.lock(req.params.id);
    if (!lock.keypad) throw new EmulatorHttpError(501, 'No keypad');
    const body = (req.body ?? {}) as { name?: string; code?: string };
    if (typeof body.code !== 'string' || !/^\d{4,8}$/.test(body.code))
      throw new EmulatorHttpError(400, 'Bad code');
    if (lock.codes.some((c) => c.code === body.code)) throw new EmulatorHttpError(409, 'Code in use');
    const code = {
      id: `c${++this.codeSeq}`,
      name: body.name ?? '',
      code: body.code,
      status: 'setting' as const,
    };
    lock.codes.push(code);
    this.later(this.options.codeDelayMs ?? 20, () => {
      const c = lock.codes.find((x) => x.id === code.id);
      if (c) c.status = 'set';
    });
    return { status: 201, body: code };
  }

  private deleteCode(req: EmuRequest) {
    this.auth(req);
    const lock = this.lock(req.params.id);
    const code = lock.codes.find((c) => c.id === req.params.codeId);
    if (!code) throw new EmulatorHttpError(404, 'No such code');
    code.status = 'removing';
    this.later(this.options.codeDelayMs ?? 20, () => {
      lock.codes = lock.codes.filter((c) => c.id !== code.id);
    });
    return { status: 202, body: { accepted: true } };
  }

  private push(event: Record<string, unknown>): void {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of this.streams) s.write(line);
  }
}

function publicLock(l: TestLock) {
  return {
    id: l.id,
    name: l.name,
    state: l.state,
    door: l.door,
    battery: l.battery,
    online: l.online,
    canOpen: l.canOpen,
    keypad: l.keypad,
  };
}
