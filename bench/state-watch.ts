import type { MqttClient } from 'mqtt';

/**
 * Follows `lockbridge/<lock>/state` on a client: which locks have published a state, and, for changes
 * the benchmark is waiting on, the latency from when it made the change to when the state arrived.
 */
export class StateWatch {
  readonly seen = new Set<string>();
  messages = 0;
  /** lock id -> [expected state, time the change was made (ms), called with the latency] */
  private readonly pending = new Map<string, [string, number, ((ms: number) => void) | undefined]>();
  readonly latencies: number[] = [];

  constructor(
    client: MqttClient,
    private readonly now: () => number,
    base = 'lockbridge',
  ) {
    const prefix = `${base}/`;
    client.on('message', (topic, payload) => {
      if (!topic.startsWith(prefix) || !topic.endsWith('/state')) return;
      const lockId = topic.slice(prefix.length, -'/state'.length);
      if (lockId.includes('/') || payload.length === 0) return;
      this.messages++;
      this.seen.add(lockId);
      const wanted = this.pending.get(lockId);
      if (!wanted) return;
      const state = (JSON.parse(payload.toString('utf8')) as { state?: string }).state;
      if (state === wanted[0]) {
        this.pending.delete(lockId);
        const latency = this.now() - wanted[1];
        this.latencies.push(latency);
        wanted[2]?.(latency);
      }
    });
  }

  /** Waits for this lock to publish `state` (UNLOCKED, LOCKED ...), timed from now. */
  expect(lockId: string, state: string): void {
    this.pending.set(lockId, [state, this.now(), undefined]);
  }

  /** Like expect, resolving with the latency when the state arrives (no polling, so no quantization). */
  arrival(lockId: string, state: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No ${state} from ${lockId} on MQTT`)), timeoutMs);
      this.pending.set(lockId, [
        state,
        this.now(),
        (ms) => {
          clearTimeout(timer);
          resolve(ms);
        },
      ]);
    });
  }

  get waiting(): number {
    return this.pending.size;
  }
}
