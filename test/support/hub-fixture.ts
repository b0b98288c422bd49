import { LockHub, type LockHubOptions } from '../../src/hub/hub';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import type { VendorAccountConfig } from '../../src/config/types';
import type { CodeServiceFactory } from '../../src/hub/code-service';
import { TestVendorEmulator, type TestEmulatorOptions } from './test-vendor/emulator';
import { testVendorFactory, type TestAccountConfig } from './test-vendor/driver';

export interface HubFixture {
  hub: LockHub;
  emulator: TestVendorEmulator;
  logs: MemorySink;
  storage: MemoryStorage;
  account: TestAccountConfig;
  stop(): Promise<void>;
}

/**
 * A started LockHub over the test vendor emulator (real HTTP on 127.0.0.1), with three locks:
 * "front" (can open, keypad), "back" and "garage" (no keypad).
 */
export async function startHubFixture(
  options: {
    emulator?: TestEmulatorOptions;
    hub?: Partial<LockHubOptions>;
    codeService?: CodeServiceFactory;
    seed?: boolean;
  } = {},
): Promise<HubFixture> {
  const emulator = new TestVendorEmulator(options.emulator);
  const url = await emulator.start();
  if (options.seed !== false) {
    emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true });
    emulator.addLock({ id: 'back', name: 'Back Door', state: 'unlocked' });
    emulator.addLock({ id: 'garage', name: 'Garage', keypad: false, door: 'open' });
  }
  const logs = new MemorySink();
  const storage = new MemoryStorage();
  const account: TestAccountConfig = {
    vendor: 'testvendor',
    id: 'tv',
    apiKey: emulator.apiKey,
    baseUrl: url,
  };
  const hub = new LockHub({
    accounts: [account as unknown as VendorAccountConfig],
    drivers: { testvendor: testVendorFactory },
    storage,
    logger: new RedactingLogger(logs),
    pollIntervalMs: 60_000,
    readbackDelaysMs: [50, 100, 200, 400],
    commandTimeoutMs: 3000,
    codeService: options.codeService,
    ...options.hub,
  });
  await hub.start();
  return {
    hub,
    emulator,
    logs,
    storage,
    account,
    async stop() {
      await hub.stop();
      await emulator.stop();
    },
  };
}
