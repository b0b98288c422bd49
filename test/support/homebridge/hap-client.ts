import { HttpClient, type PairingData } from 'hap-controller';
import type { BridgeIdentity } from './homebridge-process';

/** HAP short type ids (Apple's base UUID left out): service 45 LockMechanism, characteristic 1D ... */
export const HAP = {
  service: {
    info: '3E',
    lockMechanism: '45',
    lockManagement: '44',
    battery: '96',
    contactSensor: '80',
  },
  char: {
    name: '23',
    manufacturer: '20',
    model: '21',
    serial: '30',
    firmware: '52',
    lockCurrent: '1D',
    lockTarget: '1E',
    batteryLevel: '68',
    lowBattery: '79',
    contactState: '6A',
  },
} as const;

/** HAP status of a characteristic that could not be read: "No Response". */
export const SERVICE_COMMUNICATION_FAILURE = -70402;

export interface HapCharacteristic {
  type: string;
  iid: number;
  value: unknown;
}
export interface HapService {
  type: string;
  iid: number;
  subtype?: string;
  characteristics: HapCharacteristic[];
}
export interface HapAccessory {
  aid: number;
  services: HapService[];
}

export function shortType(type: string): string {
  const head = type.split('-')[0];
  return head.replace(/^0+/, '').toUpperCase();
}

/** hap-controller has no timeouts of its own; a test must fail rather than hang. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A HomeKit controller paired with a Homebridge over 127.0.0.1, with small typed helpers. */
export class Controller {
  readonly client: HttpClient;

  constructor(identity: BridgeIdentity, port: number, pairing?: PairingData) {
    this.client = new HttpClient(identity.username, '127.0.0.1', port, pairing, {
      usePersistentConnections: true,
    });
  }

  static async pair(identity: BridgeIdentity, port: number): Promise<Controller> {
    const controller = new Controller(identity, port);
    await within(controller.client.pairSetup(identity.pin), 15_000, 'pair-setup');
    return controller;
  }

  get pairing(): PairingData {
    const data = this.client.getLongTermData();
    if (!data) throw new Error('not paired');
    return data;
  }

  async accessories(): Promise<HapAccessory[]> {
    const result = (await within(this.client.getAccessories(), 15_000, 'GET /accessories')) as unknown as {
      accessories: Array<{
        aid: number;
        services: Array<{
          type: string;
          iid: number;
          characteristics: Array<{ type: string; iid: number; value?: unknown }>;
        }>;
      }>;
    };
    return result.accessories.map((a) => ({
      aid: Number(a.aid),
      services: a.services.map((s) => ({
        type: shortType(s.type),
        iid: Number(s.iid),
        characteristics: s.characteristics.map((c) => ({
          type: shortType(c.type),
          iid: Number(c.iid),
          value: c.value,
        })),
      })),
    }));
  }

  /** Reads characteristics; each answer has either a value or a HAP status. */
  async read(ids: string[]): Promise<Map<string, { value?: unknown; status?: number }>> {
    const { characteristics } = await within(
      this.client.getCharacteristics(ids),
      15_000,
      'GET /characteristics',
    );
    const out = new Map<string, { value?: unknown; status?: number }>();
    for (const c of characteristics as unknown as Array<{
      aid: number;
      iid: number;
      value?: unknown;
      status?: number;
    }>) {
      out.set(`${Number(c.aid)}.${Number(c.iid)}`, { value: c.value, status: c.status });
    }
    return out;
  }

  async readOne(id: string): Promise<{ value?: unknown; status?: number }> {
    const answer = (await this.read([id])).get(id);
    if (!answer) throw new Error(`no answer for ${id}`);
    return answer;
  }

  async write(id: string, value: unknown): Promise<void> {
    await within(this.client.setCharacteristics({ [id]: value }), 15_000, 'PUT /characteristics');
  }

  private subscribed = false;
  private readonly events: Array<{ id: string; value: unknown }> = [];
  private readonly eventWaiters = new Set<() => void>();

  /**
   * Subscribes once to every characteristic the test will watch. hap-controller 0.10.2 attaches a
   * second decrypting parser to the event connection on a second subscribe call, and then spins
   * forever on the frame it cannot decrypt; one call avoids that.
   */
  async subscribe(ids: string[]): Promise<void> {
    if (this.subscribed) throw new Error('subscribe once per controller (see comment)');
    this.subscribed = true;
    this.client.on(
      'event',
      (event: { characteristics?: Array<{ aid: number; iid: number; value: unknown }> }) => {
        for (const c of event.characteristics ?? [])
          this.events.push({ id: `${Number(c.aid)}.${Number(c.iid)}`, value: c.value });
        for (const w of [...this.eventWaiters]) w();
      },
    );
    await within(this.client.subscribeCharacteristics(ids), 15_000, 'subscribe');
  }

  /** Marks the events seen so far as old: waitForEvent only looks at what comes after. */
  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event for `id` after `since` whose value satisfies `accept`. */
  waitForEvent(
    id: string,
    accept: (value: unknown) => boolean,
    since: number,
    timeoutMs = 15_000,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.events.slice(since).find((e) => e.id === id && accept(e.value));
        if (hit) {
          cleanup();
          resolve(hit.value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching event for ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.eventWaiters.delete(check);
      };
      this.eventWaiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    await within(this.client.close(), 3000, 'close').catch(() => undefined);
  }
}

/** Finds a characteristic id "aid.iid" by service and characteristic type. */
export function charId(
  accessory: HapAccessory,
  serviceType: string,
  charType: string,
  which: (s: HapService) => boolean = () => true,
): string | undefined {
  for (const s of accessory.services) {
    if (s.type !== serviceType || !which(s)) continue;
    const c = s.characteristics.find((x) => x.type === charType);
    if (c) return `${accessory.aid}.${c.iid}`;
  }
  return undefined;
}

export function charValue(accessory: HapAccessory, serviceType: string, charType: string): unknown {
  for (const s of accessory.services) {
    if (s.type !== serviceType) continue;
    const c = s.characteristics.find((x) => x.type === charType);
    if (c) return c.value;
  }
  return undefined;
}
