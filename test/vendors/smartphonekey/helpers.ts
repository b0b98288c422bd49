import { MemorySink, RedactingLogger } from '../../../src/core/logger';
import { Redactor } from '../../../src/core/redact';
import { MemoryStorage } from '../../../src/core/storage';
import { systemClock } from '../../../src/core/clock';
import { RequestBudget } from '../../../src/http/budget';
import type { DriverContext, DriverPush } from '../../../src/vendors/driver';
import type { SmartphoneKeyAccountConfig } from '../../../src/config/types';
import { SmartphoneKeyDriver } from '../../../src/vendors/smartphonekey';
import type { CommandOptions } from '../../../src/vendors/driver';
import { commandOptions } from '../../support/command-options';
import { SPK } from '../../emulators/smartphonekey/fixture';

export interface TestDriver {
  driver: SmartphoneKeyDriver;
  sink: MemorySink;
  storage: MemoryStorage;
  pushes: DriverPush[];
}

export function spkDriver(
  baseUrl: string,
  overrides: Partial<SmartphoneKeyAccountConfig> = {},
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
  const driver = new SmartphoneKeyDriver(
    { vendor: 'smartphonekey', id: 'spk-test', baseUrl, jwt: SPK.jwtAlice, userId: SPK.alice, ...overrides },
    context,
    { retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 } },
  );
  const pushes: DriverPush[] = [];
  driver.onPush((p) => pushes.push(p));
  return { driver, sink, storage, pushes };
}

export function opts(requestId = 'req-1', signal = new AbortController().signal): CommandOptions {
  return commandOptions(requestId, signal);
}

export async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
