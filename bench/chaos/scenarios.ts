/**
 * The fault matrix of issue 14. Each scenario takes locks of its own, injects its fault through the
 * emulator (POST /_emulator/faults, or the emulator's physical world), sends commands with `expires_at`
 * over MQTT 3.1.1 and 5, and waits for every answer it can get. Counting is figures.ts's job.
 */
import type { CommandRecord } from './commander';
import { delay, type Harness, type Scenario } from './harness';
import type { ChaosVendor } from './household';

const VENDORS: ChaosVendor[] = ['august', 'seam', 'smartphonekey'];

function vendorOf(lock: string): ChaosVendor {
  return lock.slice(0, lock.indexOf('_')) as ChaosVendor;
}

/** The path regular expression of a lock's actuation route (Seam's names the device in the body). */
function actuationPath(lock: string): string {
  const id = lock.slice(lock.indexOf('_') + 1);
  switch (vendorOf(lock)) {
    case 'august':
      return `^/remoteoperate/${id}/(lock|unlock|unlatch)$`;
    case 'seam':
      return '^/locks/(lock_door|unlock_door)$';
    case 'smartphonekey':
      return `^/locks/${id}/OpenLock$`;
  }
}

/** The actuating command for a lock: OPEN on SmartphoneKey (it only opens), else the other state. */
function actuate(h: Harness, lock: string): string {
  return vendorOf(lock) === 'smartphonekey' ? 'OPEN' : h.toggle(lock);
}

/** One command per lock, over MQTT 3.1.1 on even and MQTT 5 on odd positions. */
async function oneEach(
  h: Harness,
  locks: string[],
  expiresInMs: number,
  first = 0,
): Promise<CommandRecord[]> {
  const records = locks.map((lock, i) =>
    h.send(lock, actuate(h, lock), { expiresInMs, protocol: (first + i) % 2 === 0 ? 4 : 5 }),
  );
  await h.settle(records);
  return records;
}

/**
 * A fault on a lock's actuation route, then one command to it; `perVendor` locks of each vendor one
 * after the other (Seam's route is shared by its locks: one rule, one command), the vendors at once.
 */
function faultScenario(
  name: string,
  vendors: ChaosVendor[],
  fault: (h: Harness) => Record<string, unknown>,
  expiresInMs: number,
  perVendor: number,
): Scenario {
  return {
    name,
    mode: 'sequential',
    async run(h) {
      const byVendor = vendors.map((v) => h.take(v, perVendor));
      await Promise.all(
        byVendor.map(async (locks) => {
          for (const [i, lock] of locks.entries()) {
            await h.emulators.fault(vendorOf(lock), { path: actuationPath(lock), ...fault(h) });
            await oneEach(h, [lock], expiresInMs, i);
            await h.emulators.clearFaults(vendorOf(lock));
          }
        }),
      );
      return { locks: byVendor.flat() };
    },
  };
}

export const latencyBeyondTimeout = (perVendor = 2): Scenario =>
  faultScenario(
    'latency beyond the command timeout',
    VENDORS,
    (h) => ({ latencyMs: h.timeoutMs + 2000, count: 3 }),
    3000,
    perVendor,
  );

export const rateLimited = (perVendor = 2): Scenario => {
  const retryAfterSeconds = 4;
  const scenario = faultScenario(
    '429 with Retry-After',
    VENDORS,
    () => ({ status: 429, retryAfterSeconds, count: 1 }),
    2000,
    perVendor,
  );
  return {
    ...scenario,
    async run(h) {
      const result = await scenario.run(h);
      // The 429 paused each account's requests for Retry-After: the next scenario starts after it,
      // or its commands would be refused unsent (rightly) and it would test nothing.
      await delay(retryAfterSeconds * 1000 + 500);
      return result;
    },
  };
};

export const augustBusy = (perVendor = 2): Scenario =>
  faultScenario('423 (August busy)', ['august'], () => ({ status: 423, count: 3 }), 4000, perVendor);

export const badGateway = (perVendor = 2): Scenario =>
  faultScenario('502', VENDORS, () => ({ status: 502, count: 2 }), 2500, perVendor);

export const droppedConnections = (perVendor = 2): Scenario =>
  faultScenario('dropped connections', VENDORS, () => ({ drop: true, count: 2 }), 2500, perVendor);

/** 401 on the command, and a slow login after it: the re-login must not carry the command past its deadline. */
export const unauthorizedMidCommand: Scenario = {
  name: '401 mid-command (slow re-login)',
  mode: 'sequential',
  async run(h) {
    const locks = VENDORS.flatMap((v) => h.take(v, 1));
    for (const lock of locks) {
      const vendor = vendorOf(lock);
      await h.emulators.fault(vendor, { path: actuationPath(lock), status: 401, count: 1 });
      if (vendor === 'august')
        await h.emulators.fault('august', { path: '^/session$', latencyMs: 3000, count: 2 });
      await oneEach(h, [lock], 2500);
      await h.emulators.clearFaults(vendor);
    }
    return { locks };
  },
};

/** SmartphoneKey's "Failed to update device shadow": before the shadow changed, and after it (retry must not open twice). */
export const shadowBadGateway: Scenario = {
  name: 'SmartphoneKey shadow 502',
  mode: 'sequential',
  async run(h) {
    const locks = h.take('smartphonekey', 2);
    for (const [i, lock] of locks.entries()) {
      await h.emulators.ask({ op: 'shadowFail', count: 1, afterApply: i === 1 });
      await oneEach(h, [lock], 4000);
      await delay(2000); // the latch relocks
    }
    await h.emulators.ask({ op: 'shadowFail', count: 0, afterApply: false });
    return { locks };
  },
};

/** Locks that are offline when the command comes, back online after its deadline. */
export const offlineLocks = (vendors: ChaosVendor[] = VENDORS): Scenario => ({
  name: 'offline locks',
  mode: 'sequential',
  countLateActuations: true,
  async run(h) {
    const locks = vendors.flatMap((v) => h.take(v, 1));
    for (const lock of locks) await h.emulators.ask({ op: 'online', lock, online: false });
    // Long enough for a poll (and SmartphoneKey's list) to show them offline.
    await delay(h.pollMs + 1500);
    const records = await oneEach(h, locks, 2000);
    await delay(Math.max(0, Math.max(...records.map((r) => r.deadline ?? 0)) + 2000 - Date.now()));
    for (const lock of locks) await h.emulators.ask({ op: 'online', lock, online: true });
    await delay(3000); // a queued open would run now
    return { locks };
  },
});

/** Two commands with one transaction: each is a command of its own at the vendor. */
export const reusedTransactions = (vendors: ChaosVendor[] = VENDORS): Scenario => ({
  name: 'reused transactions',
  mode: 'sequential',
  async run(h) {
    const locks = vendors.flatMap((v) => h.take(v, 1));
    for (const lock of locks) {
      const transaction = `reused-${lock}`;
      for (let round = 0; round < 2; round++) {
        const record = h.send(lock, actuate(h, lock), { expiresInMs: 5000, transaction });
        await h.settle([record]);
        await delay(2000); // SmartphoneKey relocks; states settle
      }
    }
    return { locks };
  },
});

/** 50 commands to one lock at once: queued, refused when stale, never sent late, never doubled. */
export const concurrentOneLock = (perLock = 25): Scenario => ({
  name: `${perLock * 2} concurrent commands to one lock`,
  mode: 'aggregate',
  async run(h) {
    const locks = [...h.take('august', 1), ...h.take('seam', 1)];
    const records: CommandRecord[] = [];
    for (const lock of locks)
      for (let i = 0; i < perLock; i++)
        records.push(
          h.send(lock, i % 2 === 0 ? 'UNLOCK' : 'LOCK', { expiresInMs: 6000, protocol: i % 2 === 0 ? 4 : 5 }),
        );
    await h.settle(records);
    return { locks };
  },
});

/** 50 commands to 50 locks at once, one answered 429 with Retry-After: no other command waits past its deadline and is sent. */
export const concurrentManyLocks: Scenario = {
  name: '50 concurrent commands to 50 locks (one 429)',
  mode: 'sequential',
  async run(h) {
    const locks = [...h.take('august', 15), ...h.take('seam', 30), ...h.take('smartphonekey', 5)];
    await h.emulators.fault('august', {
      path: actuationPath(locks[0]),
      status: 429,
      retryAfterSeconds: 5,
      count: 1,
    });
    const records = locks.map((lock, i) =>
      h.send(lock, actuate(h, lock), { expiresInMs: 3000, protocol: i % 2 === 0 ? 4 : 5 }),
    );
    await h.settle(records);
    return { locks };
  },
};

/** The vendor answers 502 to everything for a while; the lock changes by hand meanwhile. */
export function outage(seconds: number): Scenario {
  return {
    name: `502 outage for ${seconds} s, then time to the true state`,
    mode: 'sequential',
    async run(h) {
      const locks = [...h.take('august', 1), ...h.take('seam', 1)];
      for (const vendor of ['august', 'seam'] as const)
        await h.emulators.fault(vendor, { status: 502, count: 1_000_000 });
      await delay(1000);
      const records = locks.map((lock, i) =>
        h.send(lock, h.toggle(lock), { expiresInMs: 2000, protocol: i % 2 === 0 ? 4 : 5 }),
      );
      await h.settle(records);
      // A hand on the thumb turn during the outage (after the commands' answers have settled): the
      // truth the bridge must find once it can.
      await delay(2500);
      const truth = new Map<string, boolean>();
      const changedAt = Date.now();
      for (const lock of locks) {
        const locked = h.commander.lastState(lock) !== 'LOCKED';
        truth.set(lock, locked);
        await h.emulators.ask({ op: 'manual', lock, locked });
      }
      await delay(Math.max(0, seconds * 1000 - 3000));
      await h.clearAllFaults();
      const healthyAt = Date.now();
      const recoveryMs: number[] = [];
      const notes: string[] = [];
      for (const lock of locks) {
        const want = truth.get(lock) ? 'LOCKED' : 'UNLOCKED';
        const at = await h.commander.waitState(lock, (s) => s === want, changedAt, 120_000);
        if (at === undefined) notes.push(`${lock}: true state ${want} not published within 120 s`);
        else if (at < healthyAt)
          notes.push(
            `${lock}: true state ${want} published during the outage (${healthyAt - at} ms before its end: a push, not a poll)`,
          );
        else recoveryMs.push(at - healthyAt);
        const seen = (h.commander.states.get(lock) ?? []).filter((x) => x.at >= records[0].sentAt - 1000);
        notes.push(
          `${lock} states (ms from the outage's end): ${seen.map((x) => `${x.state}@${x.at - healthyAt}`).join(' ')}`,
        );
      }
      return { locks, recoveryMs, notes };
    },
  };
}

export const ALL_FAULT_SCENARIOS: Scenario[] = [
  latencyBeyondTimeout(),
  rateLimited(),
  augustBusy(),
  unauthorizedMidCommand,
  badGateway(),
  shadowBadGateway,
  droppedConnections(),
  offlineLocks(),
  reusedTransactions(),
  concurrentOneLock(),
  concurrentManyLocks,
];
