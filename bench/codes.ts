import type { AccessCode, CodeRules } from '../src/core/model';
import { generateCode, validate } from '../src/pins';
import { Fleet } from './fleet';
import { nowMs, opsPerSecond, round } from './stats';

const RULES: CodeRules = {
  lengths: [4, 5, 6, 7, 8],
  numeric: true,
  maxActive: 100,
  schedules: ['always', 'time_bound'],
  constraints: [],
};

/** Ten codes already on the lock, so validation checks collisions and the active count too. */
const EXISTING: AccessCode[] = Array.from({ length: 10 }, (_, i) => ({
  id: `c${i}`,
  lockId: 'bench',
  name: `Guest ${i}`,
  code: String(100_000 + i * 7_919),
  schedule: { kind: 'always' },
  status: 'set',
}));

export interface CodeFigures {
  validationsPerSecond: number;
  generationsPerSecond: number;
  codeSet: { locks: number; ms: number; ok: number; vendorRequests: number; requestsPerLock: number };
}

/** The pure engine (validate, generateCode from src/pins) and a code set to `locks` locks over a hub. */
export async function measureCodes(locks: number, accounts: number): Promise<CodeFigures> {
  const lock = { codeRules: RULES };
  const candidates = Array.from({ length: 1024 }, (_, i) => String(20_000_000 + i * 104_729).slice(0, 6));
  const now = Date.now();
  const validationsPerSecond = opsPerSecond((i) => {
    validate(candidates[i & 1023], 'Guest', { kind: 'always' }, lock, { now, existing: EXISTING });
  });
  const generationsPerSecond = opsPerSecond(() => {
    generateCode(RULES, { existing: EXISTING });
  });

  // The code set: short confirmation polls so the run ends in seconds; the emulator sets a code in 5 ms.
  const fleet = new Fleet({
    accounts,
    locks,
    emulator: { codeDelayMs: 5 },
    codes: { pollInitialMs: 10, pollMaxMs: 50 },
    // The emulator has no rate limit; the default budget (a real vendor's pace) would spread the set
    // over minutes, which measures the budget, not Lockbridge.
    budget: { capacity: 100_000, refillPerSecond: 100_000 },
  });
  await fleet.startEmulators();
  const hub = await fleet.startHub();
  const lockIds = [...fleet.where.keys()];
  const before = fleet.requests();
  const start = nowMs();
  const result = await hub.createCodeSet({ name: 'Cleaning crew', lockIds });
  const ms = nowMs() - start;
  const vendorRequests = fleet.requests() - before;
  await fleet.stop();
  return {
    validationsPerSecond,
    generationsPerSecond,
    codeSet: {
      locks,
      ms: round(ms, 1),
      ok: result.results.filter((r) => r.ok).length,
      vendorRequests,
      requestsPerLock: round(vendorRequests / locks, 2),
    },
  };
}
