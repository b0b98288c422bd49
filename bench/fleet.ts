import mqtt, { type MqttClient } from 'mqtt';
import { silentLogger } from '../src/core/logger';
import { MemoryStorage } from '../src/core/storage';
import type { VendorAccountConfig } from '../src/config/types';
import { LockHub } from '../src/hub/hub';
import { createCodeService, type CodeServiceOptions } from '../src/pins';
import { startMqttBridge, type MqttBridge } from '../src/mqtt';
import { TestVendorEmulator, type TestEmulatorOptions } from '../test/support/test-vendor/emulator';
import { testVendorFactory, type TestAccountConfig } from '../test/support/test-vendor/driver';

/**
 * A fleet for the benchmarks: several accounts, each its own test-vendor emulator on 127.0.0.1 (cheap
 * locks in bulk, push over server-sent events, one GET /locks per account per poll), a LockHub over
 * them, and optionally the MQTT bridge with its embedded broker and one subscriber client.
 */
export interface FleetOptions {
  accounts: number;
  locks: number;
  emulator?: TestEmulatorOptions;
  codes?: CodeServiceOptions;
  /** Per-account request budget; absent: the hub's default (a real vendor's pace). */
  budget?: { capacity: number; refillPerSecond: number };
}

export interface Emulated {
  emulator: TestVendorEmulator;
  /** Vendor API requests served (every route, the /events stream excepted). */
  requests(): number;
}

export class Fleet {
  readonly emulated: Emulated[] = [];
  /** Lockbridge lock id -> [account index, vendor lock id]. */
  readonly where = new Map<string, [number, string]>();
  hub?: LockHub;
  bridge?: MqttBridge;
  client?: MqttClient;

  constructor(readonly options: FleetOptions) {}

  /** Starts the emulators and adds the locks, round-robin over the accounts. */
  async startEmulators(): Promise<void> {
    for (let a = 0; a < this.options.accounts; a++) {
      const emulator = new TestVendorEmulator(this.options.emulator);
      await emulator.start();
      // The kit keeps only the last 1,000 requests, so count them as they are recorded.
      let count = 0;
      const log = emulator.server.requests;
      const push = log.push.bind(log);
      log.push = (...items) => {
        count += items.length;
        return push(...items);
      };
      this.emulated.push({ emulator, requests: () => count });
    }
    for (let i = 0; i < this.options.locks; i++) {
      const a = i % this.options.accounts;
      const vendorId = `l${i}`;
      this.emulated[a].emulator.addLock({ id: vendorId, name: `Lock ${i}` });
      this.where.set(`testvendor_${vendorId}`, [a, vendorId]);
    }
  }

  async startHub(): Promise<LockHub> {
    const accounts = this.emulated.map((e, a): TestAccountConfig => ({
      vendor: 'testvendor',
      id: `acct${a}`,
      apiKey: e.emulator.apiKey,
      baseUrl: e.emulator.url,
      ...(this.options.budget ? { budget: this.options.budget } : {}),
    }));
    this.hub = new LockHub({
      accounts: accounts as unknown as VendorAccountConfig[],
      drivers: { testvendor: testVendorFactory },
      storage: new MemoryStorage(),
      logger: silentLogger,
      // No timed poll during a measurement; the benchmark polls with refresh().
      pollIntervalMs: 3_600_000,
      readbackDelaysMs: [50, 100, 200, 400],
      commandTimeoutMs: 10_000,
      codeService: (deps) => createCodeService(deps, this.options.codes),
    });
    await this.hub.start();
    return this.hub;
  }

  async startBridge(): Promise<MqttClient> {
    if (!this.hub) throw new Error('start the hub first');
    this.bridge = await startMqttBridge({
      source: this.hub,
      config: { embedded: { port: 0 } },
      logger: silentLogger,
    });
    this.client = await mqtt.connectAsync(this.bridge.brokerUrl, { reconnectPeriod: 0 });
    return this.client;
  }

  requests(): number {
    return this.emulated.reduce((sum, e) => sum + e.requests(), 0);
  }

  /** A state change made by hand on the lock (pushed to the hub over SSE). */
  physical(lockId: string, state: 'locked' | 'unlocked'): void {
    const [a, vendorId] = this.where.get(lockId) ?? [];
    if (a === undefined || vendorId === undefined) throw new Error(`no lock ${lockId}`);
    this.emulated[a].emulator.physical(vendorId, state);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    await this.bridge?.stop();
    await this.hub?.stop();
    for (const e of this.emulated) await e.emulator.stop();
  }
}
