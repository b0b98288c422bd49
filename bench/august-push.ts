import type { AugustAccountConfig, VendorAccountConfig } from '../src/config/types';
import { silentLogger } from '../src/core/logger';
import { MemoryStorage } from '../src/core/storage';
import { AugustEmulator } from '../src/emulators/august/server';
import { LockHub } from '../src/hub/hub';
import { createAugustDriver, type AugustDriver } from '../src/vendors/august/driver';
import { round } from './stats';

/**
 * What one poll cycle costs in August REST calls, for `locks` locks on one account, against the
 * August emulator: with live updates up (the pubnub SDK subscribed to every lock's channel), and with
 * them down (PubNub refused, so the driver polls). The API has no bulk detail call: a full listing is
 * 1 + N. With push up, the slow resync (every resyncMinutes, default 30) is the only full listing.
 */
export interface AugustPushFigures {
  locks: number;
  cycles: number;
  pushUp: { restCallsPerCycle: number; pushToHubStateMs: number };
  pushDown: { restCallsPerCycle: number };
  resync: { everyMinutes: number; restCalls: number; perCycleAt60sPolls: number };
}

const PASSWORD = 'bench-password';

export async function measureAugustPush(locks = 100, cycles = 5): Promise<AugustPushFigures> {
  const emu = new AugustEmulator({ opDelayMs: 5, pinDelayMs: 5 });
  const user = emu.seedUser({ email: 'bench@lockbridge.test', password: PASSWORD, firstName: 'Bench' });
  const ids: string[] = [];
  for (let i = 0; i < locks; i++)
    ids.push(emu.seedLock({ name: `Lock ${i}`, users: { [user.userId]: 'superuser' } }).LockID);
  await emu.start();
  // The kit keeps only the last 1,000 requests: count REST calls (not PubNub) as they are recorded.
  let rest = 0;
  const log = emu.server.requests;
  const push = log.push.bind(log);
  log.push = (...items) => {
    rest += items.filter((r) => !r.path.startsWith('/v2/') && !r.path.startsWith('/time/')).length;
    return push(...items);
  };

  let driver: AugustDriver | undefined;
  const account: AugustAccountConfig = {
    vendor: 'august',
    id: 'bench',
    brand: 'august',
    baseUrl: emu.url,
    identifier: 'email:bench@lockbridge.test',
    password: PASSWORD,
    apiKey: emu.apiKey,
    budget: { capacity: 10_000, refillPerSecond: 10_000 },
  };
  const hub = new LockHub({
    accounts: [account as VendorAccountConfig],
    drivers: {
      august: (config, context) => (driver = createAugustDriver(config, context, { reconnectDelayMs: 50 })),
    },
    storage: new MemoryStorage(),
    logger: silentLogger,
    // Cycles are run by hand below.
    pollIntervalMs: 24 * 3600_000,
  });
  const waitFor = async (predicate: () => boolean): Promise<void> => {
    while (!predicate()) await new Promise((r) => setTimeout(r, 10));
  };
  const perCycle = async (): Promise<number> => {
    const before = rest;
    for (let i = 0; i < cycles; i++) await hub.refresh();
    return round((rest - before) / cycles, 2);
  };

  try {
    await hub.start();
    await waitFor(() => driver?.liveConnected === true);
    const up = await perCycle();

    // PubNub refused from now on: the driver notices and every cycle is a full listing.
    emu.faults.failNext(1_000_000, 503, { path: /^\/v2\/subscribe\// });
    emu.live.dropAll();
    await waitFor(() => driver?.liveConnected === false);
    const down = await perCycle();
    // PubNub back: the driver reconnects and resyncs once.
    emu.faults.clear();
    await waitFor(() => driver?.liveConnected === true);

    // Push to hub, a hand on the thumb turn until the hub shows it; measured last, so the activity
    // feed read that follows a push is not counted as a poll cycle's.
    const target = `august_${ids[0]}`;
    const started = performance.now();
    const changed = new Promise<void>((resolve) => {
      const stop = hub.subscribe((e) => {
        if (e.type === 'state' && e.lock.id === target && e.lock.status.state === 'UNLOCKED') {
          stop();
          resolve();
        }
      });
    });
    emu.simulateManual(ids[0], 'unlock');
    await changed;
    const pushToHubStateMs = round(performance.now() - started, 2);

    return {
      locks,
      cycles,
      pushUp: { restCallsPerCycle: up, pushToHubStateMs },
      pushDown: { restCallsPerCycle: down },
      resync: { everyMinutes: 30, restCalls: 1 + locks, perCycleAt60sPolls: round((1 + locks) / 30, 2) },
    };
  } finally {
    await hub.stop();
    await emu.close();
  }
}

if (require.main === module) {
  measureAugustPush().then(
    (f) => {
      process.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
