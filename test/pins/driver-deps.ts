import { EventFanout, type LockEvent } from '../../src/core/events';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import { systemClock } from '../../src/core/clock';
import { lockIdFor, type AccessCode, type Lock } from '../../src/core/model';
import type { VendorDriver } from '../../src/vendors/driver';
import type { CodeServiceDeps } from '../../src/hub/code-service';

export interface DriverDeps {
  deps: CodeServiceDeps;
  locks: Lock[];
  events: LockEvent[];
  sink: MemorySink;
  close(): void;
}

/** CodeServiceDeps over a real vendor driver, as the hub builds them: its locks and its code pushes. */
export async function depsForDriver(driver: VendorDriver, confirmTimeoutMs = 3_000): Promise<DriverDeps> {
  const locks: Lock[] = (await driver.listLocks()).map((d) => ({
    ...d,
    id: lockIdFor(driver.vendor, d.vendorLockId),
    vendor: driver.vendor,
    account: driver.account,
    status: { ...d.status, updatedAt: d.status.updatedAt ?? new Date().toISOString() },
  }));
  const pushes = new EventFanout<{ lockId: string; code: AccessCode }>();
  const off = driver.onPush?.((p) => {
    if (p.type !== 'code') return;
    const lock = locks.find((l) => l.vendorLockId === p.vendorLockId);
    if (lock) pushes.emit({ lockId: lock.id, code: { ...p.code, lockId: lock.id } });
  });
  const sink = new MemorySink();
  const events: LockEvent[] = [];
  const deps: CodeServiceDeps = {
    getLock(lockId) {
      const lock = locks.find((l) => l.id === lockId);
      if (!lock) throw new LockbridgeError('not_found', 'Unknown lock', { lockId });
      return lock;
    },
    driverFor: (lockId) => ({ driver, vendorLockId: deps.getLock(lockId).vendorLockId }),
    subscribeCodePush: (listener) => pushes.subscribe(({ lockId, code }) => listener(lockId, code)),
    storage: new MemoryStorage(),
    clock: systemClock,
    logger: new RedactingLogger(sink),
    emit: (e) => events.push(e),
    confirmTimeoutMs,
  };
  return { deps, locks, events, sink, close: () => off?.() };
}
