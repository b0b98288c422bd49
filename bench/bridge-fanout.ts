import { fork } from 'node:child_process';
import { join } from 'node:path';
import { LockbridgeError } from '../src/core/errors';
import { EventFanout, type AccountStatus, type LockEvent } from '../src/core/events';
import type { LockSource } from '../src/core/lock-source';
import type { Lock, LockStatus } from '../src/core/model';
import { silentLogger } from '../src/core/logger';
import { startMqttBridge } from '../src/mqtt';
import { nowMs, percentiles, round, type Percentiles } from './stats';

/**
 * The bridge alone: a LockSource that emits state changes on demand (no vendor, no driver), the real
 * MQTT bridge and embedded broker in this process, and a subscriber in a child process that counts
 * deliveries. So the figures are what the bridge (with its broker) does on one core.
 */
class SyntheticSource implements LockSource {
  readonly locks = new Map<string, Lock>();
  private readonly events = new EventFanout<LockEvent>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const id = `synthetic_l${i}`;
      this.locks.set(id, {
        id,
        vendor: 'synthetic',
        account: 'bench',
        vendorLockId: `l${i}`,
        name: `Lock ${i}`,
        manufacturer: 'Bench',
        model: 'B-1',
        capabilities: ['lock', 'unlock', 'lock_state', 'battery'],
        status: {
          state: 'LOCKED',
          door: 'closed',
          battery: 80,
          batteryLow: false,
          online: true,
          lastAction: null,
          updatedAt: new Date().toISOString(),
        },
      });
    }
  }

  change(id: string, state: LockStatus['state'], at: number): void {
    const lock = this.locks.get(id) as Lock;
    const previous = lock.status;
    const next: Lock = { ...lock, status: { ...previous, state, updatedAt: new Date(at).toISOString() } };
    this.locks.set(id, next);
    this.events.emit({ type: 'state', lock: next, previous });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  accounts(): AccountStatus[] {
    return [{ account: 'bench', vendor: 'synthetic', state: 'connected', lockCount: this.locks.size }];
  }
  async listLocks(): Promise<Lock[]> {
    return [...this.locks.values()];
  }
  async getLock(id: string): Promise<Lock> {
    const lock = this.locks.get(id);
    if (!lock) throw new LockbridgeError('not_found', 'Unknown lock');
    return lock;
  }
  subscribe(listener: (e: LockEvent) => void): () => void {
    return this.events.subscribe(listener);
  }
  private unsupported(): never {
    throw new LockbridgeError('not_supported', 'The synthetic source only changes state');
  }
  submitTwoFactorCode = async (): Promise<void> => this.unsupported();
  requestTwoFactorCode = async (): Promise<void> => this.unsupported();
  command = async (): Promise<never> => this.unsupported();
  listCodes = async (): Promise<never> => this.unsupported();
  createCode = async (): Promise<never> => this.unsupported();
  updateCode = async (): Promise<never> => this.unsupported();
  deleteCode = async (): Promise<never> => this.unsupported();
  generateCode = async (): Promise<never> => this.unsupported();
  validateCode = async (): Promise<never> => this.unsupported();
  createCodeSet = async (): Promise<never> => this.unsupported();
  share = async (): Promise<never> => this.unsupported();
  listShares = async (): Promise<never> => this.unsupported();
}

export interface BridgeFanout {
  locks: number;
  burst: { changes: number; changesPerSecond: number; cpuMsPerChange: number };
  paced: { rate: number; changes: number; latencyMs: Percentiles };
}

/** The subscriber child: prints one line per delivery batch ("n <count> <latest send time>"). */
function startSubscriber(
  url: string,
): Promise<{ count(): number; latencies: number[]; stop(): void; ready: Promise<void> }> {
  const child = fork(join(__dirname, 'fanout-subscriber.ts'), [url], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let delivered = 0;
  const latencies: number[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  child.on('message', (m: { ready?: boolean; n?: number; lat?: number[] }) => {
    if (m.ready) markReady();
    if (m.n) delivered += m.n;
    if (m.lat) latencies.push(...m.lat);
  });
  return Promise.resolve({ count: () => delivered, latencies, stop: () => child.kill(), ready });
}

export async function measureBridgeFanout(lockCount = 1000): Promise<BridgeFanout> {
  const source = new SyntheticSource(lockCount);
  const bridge = await startMqttBridge({
    source,
    config: { embedded: { port: 0 }, homeAssistant: { enabled: false } },
    logger: silentLogger,
  });
  const sub = await startSubscriber(bridge.brokerUrl);
  await sub.ready;
  const ids = [...source.locks.keys()];
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (sub.count() < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  // Burst: 20,000 changes, each lock flipping in turn; one publish per lock per event-loop turn, so
  // the changes are spread over turns (200 per turn) as vendor events would be.
  const N = 20_000;
  const base = sub.count();
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  for (let i = 0; i < N; i++) {
    source.change(ids[i % ids.length], Math.floor(i / ids.length) % 2 ? 'LOCKED' : 'UNLOCKED', Date.now());
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await waitFor(base + N);
  const wall = nowMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Paced: 1,000 changes/s for 3 s, latency from change to delivery in the subscriber process.
  sub.latencies.length = 0;
  const rate = 1000;
  const total = rate * 3;
  const before = sub.count();
  const start = Date.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate) + 10);
    while (sent < due) {
      source.change(ids[sent % ids.length], sent % 2 ? 'LOCKED' : 'UNLOCKED', Date.now());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitFor(before + total);
  sub.stop();
  await bridge.stop();
  return {
    locks: lockCount,
    burst: {
      changes: N,
      changesPerSecond: Math.round(N / (wall / 1000)),
      cpuMsPerChange: round((cpu.user + cpu.system) / 1000 / N, 4),
    },
    paced: { rate, changes: total, latencyMs: percentiles(sub.latencies) },
  };
}
