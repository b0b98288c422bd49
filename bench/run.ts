/**
 * `npm run bench`: every Lockbridge benchmark in one run, on 127.0.0.1 with the embedded broker.
 * Prints one JSON document, then a short table. Figures only: nothing here asserts a timing.
 * Scale points run in child processes (bench/scale-worker.ts) so each memory figure starts clean.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureCodes } from './codes';
import { measureCommandOverhead } from './command-overhead';
import { measureBridgeFanout } from './bridge-fanout';
import { measureAugustPush } from './august-push';
import { round } from './stats';

const ACCOUNTS = 8;
const SCALES = [0, 100, 1000, 10_000];

interface ScalePoint {
  locks: number;
  firstFullStateMs: number;
  discoveryMs: number;
  poll: { listCalls: number; vendorRequests: number; vendorRequestsPerCycle: number };
  memory: { afterGc: boolean; rssDelta: number; heapUsedDelta: number };
  burst?: { changes: number; changesPerSecond: number; cpuMsPerChange: number; wallMs: number };
  paced?: { rate: number; achievedRate: number; latencyMs: { p50: number; p99: number } };
}

function runScale(locks: number): Promise<ScalePoint> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(__dirname, 'scale-worker.ts'), String(locks), String(ACCOUNTS)],
      { timeout: 600_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (line) resolve(JSON.parse(line.slice(7)) as ScalePoint);
        else reject(new Error(`scale ${locks} failed: ${err?.message ?? ''} ${stderr.slice(-2000)}`));
      },
    );
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (s: string): boolean => process.stderr.write(`[bench] ${s}\n`);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };

  log('command overhead (1 lock, test vendor emulator, embedded broker)');
  const command = await measureCommandOverhead(60);

  log('bridge fan-out (synthetic source -> bridge -> subscriber process), 1,000 and 10,000 locks');
  const bridgeFanout = [await measureBridgeFanout(1000), await measureBridgeFanout(10_000)];

  const scale: ScalePoint[] = [];
  for (const locks of SCALES) {
    log(`scale: ${locks} locks over ${ACCOUNTS} accounts`);
    scale.push(await runScale(locks));
  }
  const empty = scale[0];
  const perLock = scale.slice(1).map((p) => ({
    locks: p.locks,
    // Above the same process with the hub and bridge running no lock (the empty process).
    rssBytesPerLock: Math.round((p.memory.rssDelta - empty.memory.rssDelta) / p.locks),
    heapBytesPerLock: Math.round((p.memory.heapUsedDelta - empty.memory.heapUsedDelta) / p.locks),
  }));

  log('access codes (engine, and a code set to 1,000 locks)');
  const codes = await measureCodes(1000, ACCOUNTS);

  log('August: REST calls per poll cycle, 100 locks, PubNub up and down (August emulator)');
  const augustPush = await measureAugustPush(100);

  const report = {
    machine,
    accounts: ACCOUNTS,
    vendor: 'test vendor emulator (test/support/test-vendor), one emulator per account',
    memoryMeasure: empty.memory.afterGc ? 'after gc (--expose-gc)' : 'without gc',
    command,
    bridgeFanout,
    scale,
    perLock,
    codes,
    augustPush,
    seconds: round((Date.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n`);

  const rows: Array<[string, string, string]> = [
    [
      'unlock p50 / p95 / p99, direct axios (ms)',
      `${command.direct.p50} / ${command.direct.p95} / ${command.direct.p99}`,
      'baseline',
    ],
    [
      'unlock p50 / p95 / p99, LockHub (ms)',
      `${command.hub.p50} / ${command.hub.p95} / ${command.hub.p99}`,
      '',
    ],
    [
      'unlock p50 / p95 / p99, via MQTT (ms)',
      `${command.mqtt.p50} / ${command.mqtt.p95} / ${command.mqtt.p99}`,
      'goal: +2 ms p50',
    ],
    ['MQTT added at p50 (ms), ratio', `${command.mqttAddedMs.p50}, x${command.mqttRatio.p50}`, ''],
  ];
  for (const f of bridgeFanout) {
    rows.push([
      `bridge alone, ${f.locks} locks: state changes/s to MQTT`,
      String(f.burst.changesPerSecond),
      'goal: 5000',
    ]);
    rows.push([`bridge alone, ${f.locks} locks: CPU ms per change`, String(f.burst.cpuMsPerChange), '']);
    rows.push([
      `bridge alone, ${f.locks} locks: latency at ${f.paced.rate}/s p50 / p99 (ms)`,
      `${f.paced.latencyMs.p50} / ${f.paced.latencyMs.p99}`,
      'goal: p99 < 50',
    ]);
  }
  for (const p of scale.slice(1)) {
    const m = perLock.find((x) => x.locks === p.locks);
    rows.push([`${p.locks} locks: first full state on MQTT (ms)`, String(p.firstFullStateMs), '']);
    rows.push([
      `${p.locks} locks: vendor calls per poll cycle`,
      `${p.poll.vendorRequests} (${ACCOUNTS} accounts)`,
      'goal: = accounts',
    ]);
    rows.push([
      `${p.locks} locks: bytes per lock rss / heap`,
      `${m?.rssBytesPerLock} / ${m?.heapBytesPerLock}`,
      'goal: < 5120',
    ]);
    if (p.burst) {
      rows.push([
        `${p.locks} locks, end to end: state changes/s to MQTT`,
        String(p.burst.changesPerSecond),
        'goal: 5000',
      ]);
      rows.push([`${p.locks} locks, end to end: CPU ms per change`, String(p.burst.cpuMsPerChange), '']);
    }
    if (p.paced)
      rows.push([
        `${p.locks} locks, end to end: latency at ${p.paced.rate}/s p50 / p99 (ms)`,
        `${p.paced.latencyMs.p50} / ${p.paced.latencyMs.p99}`,
        'goal: p99 < 50',
      ]);
  }
  rows.push(['validations/s', String(codes.validationsPerSecond), 'goal: 100000']);
  rows.push(['generations/s', String(codes.generationsPerSecond), '']);
  rows.push([
    `code set to ${codes.codeSet.locks} locks: ms, vendor calls`,
    `${codes.codeSet.ms}, ${codes.codeSet.vendorRequests}`,
    `${codes.codeSet.ok} ok`,
  ]);
  rows.push([
    `August, ${augustPush.locks} locks: REST calls per cycle, push up / down`,
    `${augustPush.pushUp.restCallsPerCycle} / ${augustPush.pushDown.restCallsPerCycle}`,
    `goal: ~0 / <= ${1 + augustPush.locks}; + ${augustPush.resync.restCalls} per ${augustPush.resync.everyMinutes}-min resync`,
  ]);
  rows.push([
    'August: push to hub state (ms, emulator PubNub + pubnub SDK)',
    String(augustPush.pushUp.pushToHubStateMs),
    '',
  ]);
  const w = Math.max(...rows.map((r) => r[0].length));
  const v = Math.max(...rows.map((r) => r[1].length));
  for (const [name, value, note] of rows)
    process.stdout.write(`${name.padEnd(w)}  ${value.padEnd(v)}  ${note}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
