import { MemorySink, RedactingLogger } from '../../../src/core/logger';
import { MemoryStorage } from '../../../src/core/storage';
import { Redactor } from '../../../src/core/redact';
import { RequestBudget } from '../../../src/http/budget';
import { systemClock, type Clock } from '../../../src/core/clock';
import type { DriverContext } from '../../../src/vendors/driver';
import type { SeamAccountConfig } from '../../../src/config/types';
import { createSeamDriver, type SeamDriver, type SeamDriverTuning } from '../../../src/vendors/seam/driver';

export interface DriverHarness {
  driver: SeamDriver;
  context: DriverContext;
  sink: MemorySink;
  budget: RequestBudget;
}

export const FAST_TUNING: SeamDriverTuning = {
  actionAttemptPollMs: 5,
  eventPollMs: 20,
  retries: 1,
  retryBaseDelayMs: 5,
};

/** A driver with a logging sink the tests read, a memory storage and a large budget. */
export function makeDriver(
  config: Partial<SeamAccountConfig> & { apiKey: string; baseUrl: string },
  options: { tuning?: SeamDriverTuning; clock?: Clock; storage?: MemoryStorage } = {},
): DriverHarness {
  const sink = new MemorySink();
  const redactor = new Redactor();
  const budget = new RequestBudget({ capacity: 1000, refillPerSecond: 1000 });
  const context: DriverContext = {
    logger: new RedactingLogger(sink, { redactor }),
    storage: options.storage ?? new MemoryStorage(),
    redactor,
    budget,
    clock: options.clock ?? systemClock,
  };
  const driver = createSeamDriver({ vendor: 'seam', id: 'seam-test', ...config }, context, {
    ...FAST_TUNING,
    ...options.tuning,
  });
  return { driver, context, sink, budget };
}

export function controller(ms = 5000): AbortController {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(new Error('test timeout')), ms);
  t.unref();
  return c;
}
