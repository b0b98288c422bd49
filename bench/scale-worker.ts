/**
 * One scale point in its own process (so memory figures are not polluted by another run):
 * `node --import tsx bench/scale-worker.ts <locks> <accounts>` prints one JSON line on stdout.
 * Measures discovery to first full state on MQTT, vendor calls per poll cycle, memory per lock,
 * CPU and throughput of state changes (fan-out), and latency at a paced 1,000 changes/s.
 */
import { Fleet } from './fleet';
import { sampleMemory } from './memory';
import { StateWatch } from './state-watch';
import { nowMs, percentiles, round, waitFor } from './stats';

const locks = Number(process.argv[2] ?? '100');
const accounts = Number(process.argv[3] ?? '4');
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `testvendor_l${i}`);

async function burst(fleet: Fleet, watch: StateWatch, count: number, state: 'locked' | 'unlocked') {
  const target = state === 'unlocked' ? 'UNLOCKED' : 'LOCKED';
  const cpu0 = process.cpuUsage();
  const start = nowMs();
  for (const id of ids(count)) {
    watch.expect(id, target);
    fleet.physical(id, state);
  }
  await waitFor(() => watch.waiting === 0, 180_000, `${count} state changes on MQTT`);
  const wallMs = nowMs() - start;
  const cpu = process.cpuUsage(cpu0);
  return { changes: count, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Changes at a steady rate (batches every 10 ms), round-robin over the locks, for `seconds`. */
async function paced(fleet: Fleet, watch: StateWatch, perSecond: number, seconds: number) {
  watch.latencies.length = 0;
  const all = ids(Math.min(locks, perSecond));
  const total = perSecond * seconds;
  const perTick = perSecond / 100;
  let sent = 0;
  let state: 'locked' | 'unlocked' = 'locked';
  const start = nowMs();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * perSecond) + perTick);
    while (sent < due) {
      const id = all[sent % all.length];
      if (sent % all.length === 0) state = state === 'locked' ? 'unlocked' : 'locked';
      watch.expect(id, state === 'unlocked' ? 'UNLOCKED' : 'LOCKED');
      fleet.physical(id, state);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const sendMs = nowMs() - start;
  await waitFor(() => watch.waiting === 0, 60_000, 'paced changes on MQTT');
  return {
    rate: perSecond,
    changes: sent,
    achievedRate: Math.round(sent / (sendMs / 1000)),
    latencyMs: percentiles(watch.latencies),
  };
}

async function main(): Promise<void> {
  const fleet = new Fleet({ accounts, locks, emulator: { commandDelayMs: 0 } });
  await fleet.startEmulators();
  const before = await sampleMemory();

  const t0 = nowMs();
  const hub = await fleet.startHub();
  const discoveredMs = nowMs() - t0;
  const client = await fleet.startBridge();
  const watch = new StateWatch(client, nowMs);
  await client.subscribeAsync('lockbridge/+/state', { qos: 0 });
  await waitFor(() => watch.seen.size >= locks, 300_000, `${locks} retained states`);
  const firstFullStateMs = nowMs() - t0;

  // Steady state: Home Assistant discovery goes out in the background after the states; let it and
  // the first acknowledgements settle so the sample holds what the bridge keeps, not what is in flight.
  await new Promise((r) => setTimeout(r, 3000));
  const after = await sampleMemory();

  const requests0 = fleet.requests();
  const stats0 = { ...hub.stats };
  await hub.refresh();
  const poll = {
    cycles: hub.stats.pollCycles - stats0.pollCycles,
    listCalls: hub.stats.listCalls - stats0.listCalls,
    vendorRequests: fleet.requests() - requests0,
  };

  const result: Record<string, unknown> = {
    locks,
    accounts,
    discoveryMs: round(discoveredMs, 1),
    firstFullStateMs: round(firstFullStateMs, 1),
    poll: { ...poll, vendorRequestsPerCycle: round(poll.vendorRequests / accounts, 2) },
    memory: {
      afterGc: after.afterGc,
      rssDelta: after.rss - before.rss,
      heapUsedDelta: after.heapUsed - before.heapUsed,
    },
  };

  if (locks > 0) {
    // Fan-out: every lock (at most 5,000) changes at once; the whole process (emulator, hub, bridge,
    // broker, subscriber) runs on this one thread, so the CPU figure covers all of them.
    const b = await burst(fleet, watch, Math.min(locks, 5000), 'unlocked');
    result.burst = {
      changes: b.changes,
      wallMs: round(b.wallMs, 1),
      changesPerSecond: Math.round(b.changes / (b.wallMs / 1000)),
      cpuMsPerChange: round(b.cpuMs / b.changes, 4),
    };
    if (locks >= 1000) result.paced = await paced(fleet, watch, 1000, 3);
  }
  await fleet.stop();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
