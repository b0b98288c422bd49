import { EventEmitter } from 'node:events';
import type { API, Logging, PlatformAccessory } from 'homebridge';
import { currentLine } from './lines';

/**
 * A Homebridge API for in-process platform tests: real hap-nodejs (the one of the running Node's
 * line), a PlatformAccessory made of a real HAP Accessory, spies for (un)registration, a temp storage
 * path, and the didFinishLaunching / shutdown events to emit.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const hap = require(currentLine().hapModule) as API['hap'];

type HapAccessory = InstanceType<API['hap']['Accessory']>;
type HapService = InstanceType<API['hap']['Service']>;

export class TestPlatformAccessory {
  readonly hapAccessory: HapAccessory;
  context: Record<string, unknown> = {};
  category: number;

  constructor(
    public displayName: string,
    public UUID: string,
    category?: number,
  ) {
    this.category = category ?? 1;
    this.hapAccessory = new hap.Accessory(displayName, UUID);
  }
  get services(): HapService[] {
    return this.hapAccessory.services;
  }
  addService(service: HapService): HapService {
    return this.hapAccessory.addService(service);
  }
  getService(type: Parameters<HapAccessory['getService']>[0]): HapService | undefined {
    return this.hapAccessory.getService(type);
  }
  getServiceById(
    type: Parameters<HapAccessory['getServiceById']>[0],
    subtype: string,
  ): HapService | undefined {
    return this.hapAccessory.getServiceById(type, subtype);
  }
  removeService(service: HapService): void {
    this.hapAccessory.removeService(service);
  }
  updateDisplayName(name: string): void {
    this.displayName = name;
  }

  /** What Homebridge's cache would give back after a restart: services and context, no handlers. */
  restored(): TestPlatformAccessory {
    const copy = new TestPlatformAccessory(this.displayName, this.UUID, this.category);
    for (const s of [...copy.services]) copy.hapAccessory.removeService(s);
    for (const s of this.services)
      copy.hapAccessory.addService(hap.Service.deserialize(hap.Service.serialize(s)));
    copy.context = JSON.parse(JSON.stringify(this.context)) as Record<string, unknown>;
    return copy;
  }
}

export interface LogLine {
  level: string;
  message: string;
}

export function fakeLog(lines: LogLine[]): Logging {
  const write = (level: string) => (message: string) => void lines.push({ level, message });
  const log = Object.assign(write('info'), {
    prefix: 'Lockbridge',
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    success: write('info'),
    log: (level: string, message: string) => lines.push({ level, message }),
  });
  return log as unknown as Logging;
}

export class FakeApi extends EventEmitter {
  readonly hap: API['hap'] = hap;
  readonly platformAccessory = TestPlatformAccessory;
  readonly registered: TestPlatformAccessory[] = [];
  readonly unregistered: TestPlatformAccessory[] = [];
  updates = 0;
  readonly version = 2.7;
  readonly serverVersion = '1.11.4';
  readonly user: { storagePath(): string };

  constructor(storagePath: string) {
    super();
    this.user = { storagePath: () => storagePath };
  }

  registerPlatformAccessories(
    _plugin: string,
    _platform: string,
    accessories: TestPlatformAccessory[],
  ): void {
    for (const a of accessories) {
      if (this.registered.some((r) => r.UUID === a.UUID)) throw new Error(`duplicate UUID ${a.UUID}`);
      this.registered.push(a);
    }
  }
  updatePlatformAccessories(): void {
    this.updates++;
  }
  unregisterPlatformAccessories(
    _plugin: string,
    _platform: string,
    accessories: TestPlatformAccessory[],
  ): void {
    for (const a of accessories) {
      this.unregistered.push(a);
      const i = this.registered.findIndex((r) => r.UUID === a.UUID);
      if (i >= 0) this.registered.splice(i, 1);
    }
  }

  asApi(): API {
    return this as unknown as API;
  }
}

export function asPlatformAccessory(a: TestPlatformAccessory): PlatformAccessory {
  return a as unknown as PlatformAccessory;
}
