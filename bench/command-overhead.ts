import axios from 'axios';
import { Agent } from 'node:http';
import { Fleet } from './fleet';
import { openEvents } from './sse';
import { StateWatch } from './state-watch';
import { nowMs, percentiles, round, type Percentiles } from './stats';

export interface CommandOverhead {
  iterations: number;
  direct: Percentiles;
  hub: Percentiles;
  mqtt: Percentiles;
  mqttAddedMs: { p50: number; p95: number; p99: number };
  mqttRatio: { p50: number; p95: number; p99: number };
}

/**
 * Unlock through MQTT (publish UNLOCK on <base>/<lock>/set, wait for state UNLOCKED on
 * <base>/<lock>/state) against the same unlock sent straight to the emulator with axios (POST the
 * command, wait for the emulator's own "unlocked" event on its SSE stream). A third path, LockHub.command
 * until the hub emits UNLOCKED, splits the difference between the hub/driver and the MQTT hop. The
 * emulator applies commands at once (commandDelayMs 0); the lock is locked again by hand between rounds.
 */
export async function measureCommandOverhead(iterations: number): Promise<CommandOverhead> {
  // A generous request budget: the default (a real vendor's pace, 5 requests/s) would make every
  // command after the first few wait for a token, and this measures overhead, not the rate limit.
  const fleet = new Fleet({
    accounts: 1,
    locks: 1,
    emulator: { commandDelayMs: 0 },
    budget: { capacity: 1000, refillPerSecond: 1000 },
  });
  await fleet.startEmulators();
  const { emulator } = fleet.emulated[0];
  const hub = await fleet.startHub();
  const client = await fleet.startBridge();
  const watch = new StateWatch(client, nowMs);
  const lockId = 'testvendor_l0';
  const first = watch.arrival(lockId, 'LOCKED');
  await client.subscribeAsync('lockbridge/+/state', { qos: 0 });
  await first;

  const http = axios.create({
    baseURL: emulator.url,
    headers: { 'x-test-key': emulator.apiKey },
    httpAgent: new Agent({ keepAlive: true }),
  });
  let onDirect: (() => void) | undefined;
  const events = await openEvents(emulator.url, { 'x-test-key': emulator.apiKey }, (e) => {
    if (e.lockId === 'l0' && e.state === 'unlocked') onDirect?.();
  });
  const hubUnlocked = (): Promise<void> =>
    new Promise((resolve) => {
      const off = hub.subscribe((e) => {
        if (e.type === 'state' && e.lock.id === lockId && e.lock.status.state === 'UNLOCKED') {
          off();
          resolve();
        }
      });
    });
  const relock = async (): Promise<void> => {
    const done = watch.arrival(lockId, 'LOCKED');
    emulator.physical('l0', 'locked');
    await done;
  };

  const direct: number[] = [];
  const viaHub: number[] = [];
  const viaMqtt: number[] = [];
  const warmup = Math.min(30, iterations);
  for (let i = 0; i < iterations + warmup; i++) {
    // The three paths take turns so drift (GC, JIT) hits them alike.
    await relock();
    const t0 = nowMs();
    const seen = new Promise<void>((resolve) => (onDirect = resolve));
    await http.post('/locks/l0/commands', { command: 'unlock', requestId: `bench-${i}` });
    await seen;
    if (i >= warmup) direct.push(nowMs() - t0);

    await relock();
    const t1 = nowMs();
    const unlocked = hubUnlocked();
    const command = hub.command({ lockId, command: 'UNLOCK' });
    await unlocked;
    if (i >= warmup) viaHub.push(nowMs() - t1);
    await command; // the confirmation, outside the timing

    await relock();
    const arrived = watch.arrival(lockId, 'UNLOCKED');
    await client.publishAsync(`lockbridge/${lockId}/set`, 'UNLOCK', { qos: 0 });
    const latency = await arrived;
    if (i >= warmup) viaMqtt.push(latency);
  }
  events.destroy();
  await fleet.stop();

  const d = percentiles(direct);
  const m = percentiles(viaMqtt);
  return {
    iterations,
    direct: d,
    hub: percentiles(viaHub),
    mqtt: m,
    mqttAddedMs: { p50: round(m.p50 - d.p50), p95: round(m.p95 - d.p95), p99: round(m.p99 - d.p99) },
    mqttRatio: { p50: round(m.p50 / d.p50, 2), p95: round(m.p95 / d.p95, 2), p99: round(m.p99 / d.p99, 2) },
  };
}
