import { MemorySink, RedactingLogger } from '../../../src/core/logger';
import { Redactor } from '../../../src/core/redact';
import { MemoryStorage } from '../../../src/core/storage';
import { systemClock } from '../../../src/core/clock';
import { RequestBudget } from '../../../src/http/budget';
import type { DriverContext, DriverPush } from '../../../src/vendors/driver';
import type { UnlocAccountConfig } from '../../../src/config/types';
import { UnlocDriver } from '../../../src/vendors/unloc';
import type { CommandOptions } from '../../../src/vendors/driver';
import { commandOptions } from '../../support/command-options';
import { IDS } from '../../emulators/unloc/fixture';

export interface TestDriver {
  driver: UnlocDriver;
  sink: MemorySink;
  storage: MemoryStorage;
  pushes: DriverPush[];
}

/** A driver against the emulator with a capturing logger, memory storage and short retries. */
export function unlocDriver(
  baseUrl: string,
  overrides: Partial<UnlocAccountConfig> = {},
  storage = new MemoryStorage(),
): TestDriver {
  const sink = new MemorySink();
  const redactor = new Redactor();
  const context: DriverContext = {
    logger: new RedactingLogger(sink, { redactor, level: 'debug' }),
    storage,
    redactor,
    budget: new RequestBudget({ capacity: 1000, refillPerSecond: 1000 }),
    clock: systemClock,
  };
  const driver = new UnlocDriver(
    {
      vendor: 'unloc',
      id: 'unloc-test',
      baseUrl,
      clientId: IDS.clientId,
      clientSecret: IDS.clientSecret,
      lockHolderIds: [IDS.lh1, IDS.lh2],
      ...overrides,
    },
    context,
    { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } },
  );
  const pushes: DriverPush[] = [];
  driver.onPush((p) => pushes.push(p));
  return { driver, sink, storage, pushes };
}

export function signal(): CommandOptions {
  return commandOptions('req-1');
}

export async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
