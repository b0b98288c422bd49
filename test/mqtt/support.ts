import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { Redactor } from '../../src/core/redact';
import type { MqttConfig } from '../../src/config/types';
import { startMqttBridge, type MqttBridge, type MqttBridgeOptions } from '../../src/mqtt';
import { createCodeService } from '../../src/pins';
import type { Timers } from '../../src/mqtt/timers';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';

export interface BridgeFixture {
  hub: HubFixture;
  bridge: MqttBridge;
  logs: MemorySink;
  stop(): Promise<void>;
}

/** A hub over the test vendor (front, back, garage), with the code engine, and a bridge on an embedded broker. */
export async function startBridgeFixture(
  config: MqttConfig = {},
  extra: Partial<MqttBridgeOptions> = {},
  hubOptions: Parameters<typeof startHubFixture>[0] = {},
): Promise<BridgeFixture> {
  const hub = await startHubFixture({ codeService: (deps) => createCodeService(deps), ...hubOptions });
  const logs = new MemorySink();
  let bridge: MqttBridge;
  try {
    bridge = await startMqttBridge({
      source: hub.hub,
      config: { embedded: { port: 0 }, ...config },
      logger: new RedactingLogger(logs, { redactor: new Redactor() }),
      version: '1.2.3',
      ...extra,
    });
  } catch (err) {
    await hub.stop();
    throw err;
  }
  return {
    hub,
    bridge,
    logs,
    async stop() {
      await bridge.stop();
      await hub.stop();
    },
  };
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  properties?: Record<string, unknown>;
}

/** A test MQTT client that records what it receives and can wait for a message. */
export class TestClient {
  readonly received: Received[] = [];
  private readonly waiters = new Set<{ match: (m: Received) => boolean; resolve: (m: Received) => void }>();

  private constructor(readonly client: MqttClient) {
    (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    client.on('message', (topic, payload, packet) => {
      const m: Received = {
        topic,
        payload,
        retain: packet.retain,
        properties: packet.properties as Record<string, unknown> | undefined,
      };
      this.received.push(m);
      for (const w of [...this.waiters]) {
        if (w.match(m)) {
          this.waiters.delete(w);
          w.resolve(m);
        }
      }
    });
  }

  static async connect(url: string, options: IClientOptions = {}): Promise<TestClient> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    return new TestClient(client);
  }

  async subscribe(filter: string | string[]): Promise<void> {
    await this.client.subscribeAsync(filter, { qos: 1 });
  }

  /** The next (or an already received) message on a topic that satisfies the predicate. */
  waitFor(
    topic: string,
    predicate: (json: unknown, m: Received) => boolean = () => true,
    ms = 5000,
  ): Promise<Received> {
    const match = (m: Received) => m.topic === topic && predicate(tryJson(m.payload), m);
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: Received) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no message on ${topic} within ${ms} ms`));
      }, ms);
      this.waiters.add(waiter);
    });
  }

  json(topic: string): unknown {
    const last = [...this.received].reverse().find((m) => m.topic === topic);
    return last ? tryJson(last.payload) : undefined;
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    options: Parameters<MqttClient['publishAsync']>[2] = {},
  ): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, ...options });
  }

  private seq = 0;
  /** Sends a request and waits for the response with the same transaction. */
  async request(
    op: string,
    params: Record<string, unknown> = {},
    base = 'lockbridge',
  ): Promise<Record<string, unknown>> {
    const transaction = `t-${++this.seq}-${Math.random().toString(36).slice(2)}`;
    const responseTopic = `${base}/bridge/response/${op}`;
    if (!this.subscribed.has(base)) {
      await this.subscribe(`${base}/bridge/response/#`);
      this.subscribed.add(base);
    }
    const answer = this.waitFor(responseTopic, (j) => isRecord(j) && j.transaction === transaction, 10_000);
    await this.publish(`${base}/bridge/request/${op}`, JSON.stringify({ ...params, transaction }));
    return tryJson((await answer).payload) as Record<string, unknown>;
  }
  private readonly subscribed = new Set<string>();

  async end(): Promise<void> {
    for (const w of this.waiters) this.waiters.delete(w);
    await this.client.endAsync(true);
  }
}

export function tryJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return payload.toString('utf8');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves when the predicate holds, polling briefly (never a timed assertion: a deadline only). */
export async function eventually(predicate: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Timers fired by the test: a debounced action runs when the test says so, never by the wall clock. */
export class ManualTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private seq = 0;
  setTimeout(fn: () => void): unknown {
    this.pending.set(++this.seq, fn);
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const fn of due) fn();
  }
}
