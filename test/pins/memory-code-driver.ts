import { EventFanout } from '../../src/core/events';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger, type Logger } from '../../src/core/logger';
import { MemoryStorage, type Storage } from '../../src/core/storage';
import { systemClock } from '../../src/core/clock';
import type { AccessCode, AccessCodeInput, CodeRules, Lock } from '../../src/core/model';
import type { LockEvent } from '../../src/core/events';
import type { CodeDriver, VendorDriver } from '../../src/vendors/driver';
import type { CodeServiceDeps } from '../../src/hub/code-service';

/** What the simulated lock does with a code after the vendor accepted it. */
export type LockBehaviour = 'set' | 'fail' | 'never';

/**
 * An in-memory vendor with real asynchronous behaviour: a created code is `pending` and turns `set`
 * (or `failed`) on the lock after `setDelayMs`, a deleted one goes `removing` then disappears. It can
 * push code changes, refuse requests, or apply a request and then lose the answer.
 */
export class MemoryCodeDriver implements CodeDriver {
  readonly codes = new Map<string, AccessCode[]>();
  readonly calls = { list: 0, create: 0, update: 0, delete: 0 };
  setDelayMs = 5;
  behaviour: LockBehaviour = 'set';
  /** Refuse the next create/update/delete with this error, without applying it. */
  refuseNext?: LockbridgeError;
  /** Refuse every request for these vendor lock ids (a bridge that is offline). */
  readonly refuseLocks = new Map<string, LockbridgeError>();
  /** Apply the next create/update/delete, then throw this error instead of answering. */
  loseAnswerNext?: LockbridgeError;
  /** Set to receive pushes (by vendor lock id). */
  push?: (vendorLockId: string, code: AccessCode) => void;
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  seed(vendorLockId: string, code: Omit<AccessCode, 'lockId'>): void {
    this.on(vendorLockId).push({ ...code, lockId: vendorLockId });
  }

  private on(vendorLockId: string): AccessCode[] {
    let list = this.codes.get(vendorLockId);
    if (!list) this.codes.set(vendorLockId, (list = []));
    return list;
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.setDelayMs);
    this.timers.add(t);
  }

  private async gate<T>(vendorLockId: string, apply: () => T): Promise<T> {
    await new Promise((r) => setImmediate(r));
    const refused = this.refuseLocks.get(vendorLockId);
    if (refused) throw refused;
    if (this.refuseNext) {
      const e = this.refuseNext;
      this.refuseNext = undefined;
      throw e;
    }
    const out = apply();
    if (this.loseAnswerNext) {
      const e = this.loseAnswerNext;
      this.loseAnswerNext = undefined;
      throw e;
    }
    return out;
  }

  private settle(vendorLockId: string, code: AccessCode): void {
    if (this.behaviour === 'never') return;
    this.later(() => {
      code.status = this.behaviour === 'set' ? 'set' : 'failed';
      if (code.status === 'failed') code.errors = ['failed_to_set_on_device'];
      this.push?.(vendorLockId, { ...code });
    });
  }

  async list(vendorLockId: string): Promise<AccessCode[]> {
    this.calls.list += 1;
    await new Promise((r) => setImmediate(r));
    return this.on(vendorLockId).map((c) => ({ ...c }));
  }

  create(vendorLockId: string, input: AccessCodeInput & { code: string }): Promise<AccessCode> {
    return this.gate(vendorLockId, () => {
      this.calls.create += 1;
      const list = this.on(vendorLockId);
      if (input.code && list.some((c) => c.code === input.code))
        throw new LockbridgeError('code_conflict', 'Duplicate code', { status: 409 });
      const code: AccessCode = {
        id: `code-${++this.seq}`,
        lockId: vendorLockId,
        name: input.name,
        code: input.code || String(700000 + this.seq),
        schedule: input.schedule ?? { kind: 'always' },
        status: 'pending',
        userId: input.userId,
      };
      list.push(code);
      this.settle(vendorLockId, code);
      return { ...code };
    });
  }

  update(vendorLockId: string, codeId: string, input: Partial<AccessCodeInput>): Promise<AccessCode> {
    return this.gate(vendorLockId, () => {
      this.calls.update += 1;
      const code = this.on(vendorLockId).find((c) => c.id === codeId);
      if (!code) throw new LockbridgeError('not_found', 'No such code', { status: 404 });
      Object.assign(code, input, { status: 'pending' });
      this.settle(vendorLockId, code);
      return { ...code };
    });
  }

  delete(vendorLockId: string, codeId: string): Promise<void> {
    return this.gate(vendorLockId, () => {
      this.calls.delete += 1;
      const list = this.on(vendorLockId);
      const code = list.find((c) => c.id === codeId);
      if (!code) throw new LockbridgeError('not_found', 'No such code', { status: 404 });
      code.status = 'removing';
      if (this.behaviour === 'never') return;
      this.later(() => {
        list.splice(list.indexOf(code), 1);
        this.push?.(vendorLockId, { ...code, status: 'removed' });
      });
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export function makeLock(id: string, codeRules?: CodeRules, vendor = 'mem'): Lock {
  return {
    id,
    vendor,
    account: 'acct',
    vendorLockId: `v-${id}`,
    name: id,
    manufacturer: 'Test',
    model: 'Keypad',
    capabilities: codeRules ? ['lock', 'unlock', 'access_codes'] : ['lock', 'unlock'],
    codeRules,
    status: {
      state: 'LOCKED',
      door: 'unknown',
      battery: null,
      batteryLow: false,
      online: true,
      lastAction: null,
      updatedAt: new Date(0).toISOString(),
    },
  };
}

export function fakeVendorDriver(codes: CodeDriver | undefined): VendorDriver {
  const no = async (): Promise<never> => {
    throw new LockbridgeError('not_supported', 'Not in this test driver');
  };
  return {
    vendor: 'mem',
    account: 'acct',
    start: async () => undefined,
    stop: async () => undefined,
    listLocks: no,
    getLock: no,
    command: no,
    codes,
  };
}

export interface Harness {
  deps: CodeServiceDeps;
  events: LockEvent[];
  sink: MemorySink;
  storage: Storage;
  pushes: EventFanout<{ lockId: string; code: AccessCode }>;
}

/** CodeServiceDeps over a set of locks, each served by one of the given code drivers. */
export function harness(
  locks: Lock[],
  driverOf: (lock: Lock) => CodeDriver | undefined,
  options: { storage?: Storage; confirmTimeoutMs?: number; logger?: Logger } = {},
): Harness {
  const sink = new MemorySink();
  const events: LockEvent[] = [];
  const pushes = new EventFanout<{ lockId: string; code: AccessCode }>();
  const byId = new Map(locks.map((l) => [l.id, l]));
  const deps: CodeServiceDeps = {
    getLock(lockId) {
      const lock = byId.get(lockId);
      if (!lock) throw new LockbridgeError('not_found', 'Unknown lock', { lockId });
      return lock;
    },
    driverFor(lockId) {
      const lock = deps.getLock(lockId);
      return { driver: fakeVendorDriver(driverOf(lock)), vendorLockId: lock.vendorLockId };
    },
    subscribeCodePush: (listener) => pushes.subscribe(({ lockId, code }) => listener(lockId, code)),
    storage: options.storage ?? new MemoryStorage(),
    clock: systemClock,
    logger: options.logger ?? new RedactingLogger(sink),
    emit: (event) => events.push(event),
    confirmTimeoutMs: options.confirmTimeoutMs ?? 2_000,
  };
  return { deps, events, sink, storage: deps.storage, pushes };
}

/** Routes a memory driver's pushes into the harness, as the hub does with driver pushes. */
export function wirePush(driver: MemoryCodeDriver, h: Harness, locks: Lock[]): void {
  driver.push = (vendorLockId, code) => {
    const lock = locks.find((l) => l.vendorLockId === vendorLockId);
    if (lock) h.pushes.emit({ lockId: lock.id, code: { ...code, lockId: lock.id } });
  };
}
