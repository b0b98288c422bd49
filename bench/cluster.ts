/**
 * `node --import tsx bench/cluster.ts [accounts] [locksPerAccount]`: cluster mode at scale. Three
 * `lockbridge run` daemons share 30 Seam accounts of 1,000 locks each (30,000 locks) through a real
 * redis-server and one mosquitto; the emulators run in a child process. Prints:
 *   - time to take over a dead daemon's accounts: from kill -9 to every account connected again on
 *     the survivors, as `bridge/accounts` shows it (so it includes up to one renewal period of
 *     publishing lag), with the lease length it is bounded by;
 *   - Redis operations per poll cycle (INFO commandstats deltas over a steady window);
 *   - memory per lock per daemon (resident set size over the locks it serves);
 *   - command overhead of the cluster against a single daemon (its own base topic on the same broker,
 *     one account), measured in the same run, command after command.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { findMosquitto, startMosquitto } from '../test/mqtt/mosquitto';
import { TestClient, isRecord } from '../test/mqtt/support';
import { findRedisServer, startRedisServer } from '../test/cluster/redis-server';
import { ClusterDaemons } from '../test/cluster/daemons';
import { runCli } from '../test/cli/support';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const ACCOUNTS = Number(process.argv[2] ?? 30);
const LOCKS = Number(process.argv[3] ?? 1000);
const LEASE_SECONDS = 10;
const POLL_SECONDS = 30;
const COMMANDS = 30;

type Account = { vendor: 'seam'; id: string; apiKey: string; baseUrl: string };
interface Info {
  cluster: { nodes: Array<{ node: string; accounts: string[] }>; unassigned: string[] };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function startEmulators(): Promise<{ accounts: Account[]; solo: Account; stop(): void }> {
  const child = fork(
    join(__dirname, 'cluster', 'emulators-process.ts'),
    [JSON.stringify({ accounts: ACCOUNTS, locksPerAccount: LOCKS })],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const ready = await new Promise<{ accounts: Account[]; solo: Account }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve(JSON.parse(line) as { accounts: Account[]; solo: Account });
    });
    child.once('exit', (code) => reject(new Error(`emulators exited (${code})`)));
  });
  return { ...ready, stop: () => child.kill('SIGTERM') };
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function until(predicate: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends COMMANDS commands one after another to a lock and returns each round trip (ms). */
async function roundTrips(client: TestClient, base: string, lock: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const transaction = randomUUID();
    const answered = client.waitFor(
      `${base}/bridge/response/command`,
      (j) => isRecord(j) && j.transaction === transaction,
      30_000,
    );
    const t0 = performance.now();
    await client.publish(
      `${base}/${lock}/set`,
      JSON.stringify({ command: i % 2 ? 'LOCK' : 'UNLOCK', transaction }),
    );
    const answer = await answered;
    out.push(performance.now() - t0);
    const body = JSON.parse(answer.payload.toString('utf8')) as { status: string; error?: { code: string } };
    if (body.status !== 'ok') throw new Error(`a command on ${lock} failed: ${body.error?.code}`);
  }
  return out;
}

async function main(): Promise<void> {
  const redisBinary = findRedisServer();
  const mosquittoBinary = findMosquitto();
  if (!redisBinary || !mosquittoBinary) throw new Error('bench/cluster needs redis-server and mosquitto');
  log(
    `cluster bench: 3 daemons, ${ACCOUNTS} Seam accounts x ${LOCKS} locks = ${ACCOUNTS * LOCKS} locks, lease ${LEASE_SECONDS} s, poll ${POLL_SECONDS} s`,
  );
  const redisServer = await startRedisServer(redisBinary);
  const broker = await startMosquitto(mosquittoBinary);
  const emulators = await startEmulators();
  const redis = new Redis(redisServer.url);
  const client = await TestClient.connect(broker.url);
  const BASE = 'bench';
  await client.subscribe([
    `${BASE}/bridge/info`,
    `${BASE}/bridge/accounts`,
    `${BASE}/bridge/response/#`,
    'solo/bridge/response/#',
    'solo/bridge/locks',
  ]);
  const daemons = new ClusterDaemons({
    accounts: emulators.accounts,
    mqtt: { url: broker.url, baseTopic: BASE, homeAssistant: { enabled: false } },
    redis: redisServer.url,
    leaseSeconds: LEASE_SECONDS,
    extra: { polling: { intervalSeconds: POLL_SECONDS } },
  });
  const soloDir = await mkdtemp(join(tmpdir(), 'lb-solo-'));
  let solo: ReturnType<typeof runCli> | undefined;
  try {
    const info = () => client.json(`${BASE}/bridge/info`) as Info | undefined;
    const accountsConnected = (nodes: string[]) => {
      const list = client.json(`${BASE}/bridge/accounts`) as
        Array<{ account: string; state: string }> | undefined;
      const i = info();
      return (
        !!list &&
        !!i &&
        list.length === ACCOUNTS &&
        list.every((a) => a.state === 'connected') &&
        i.cluster.unassigned.length === 0 &&
        i.cluster.nodes.filter((n) => nodes.includes(n.node)).reduce((s, n) => s + n.accounts.length, 0) ===
          ACCOUNTS
      );
    };

    let t = Date.now();
    const started = [];
    for (const node of ['n1', 'n2', 'n3']) started.push(await daemons.start(node));
    await Promise.all(started.map((d) => d.ready));
    await until(
      () =>
        accountsConnected(['n1', 'n2', 'n3']) &&
        info()!.cluster.nodes.every((n) => n.accounts.length === ACCOUNTS / 3),
      'the accounts shared and connected',
      600_000,
    );
    log(`startup: every account connected and shared 3 ways in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // ---- a single daemon (one account, one lock): the baseline of memory and of commands ----
    const soloConfig = join(soloDir, 'solo.json');
    await writeFile(
      soloConfig,
      JSON.stringify({
        accounts: [emulators.solo],
        mqtt: { url: broker.url, baseTopic: 'solo', homeAssistant: { enabled: false } },
        polling: { intervalSeconds: POLL_SECONDS },
      }),
    );
    solo = runCli(['run', '--config', soloConfig, '--data-dir', join(soloDir, 'data')]);
    await client.waitFor('solo/bridge/locks', (j) => Array.isArray(j) && j.length === 1, 60_000);
    // ---- memory per lock per daemon ----
    const baseline = rssMb(solo.child.pid!);
    log(`memory: a single daemon with one lock: RSS ${baseline.toFixed(0)} MB (the baseline below)`);
    for (const d of started) {
      const locks = info()!.cluster.nodes.find((n) => n.node === d.node)!.accounts.length * LOCKS;
      const rss = rssMb(d.run.child.pid!);
      const leader =
        info()!.cluster.nodes[0]?.node === d.node ? ' (leader: also holds the namespace lists)' : '';
      log(
        `memory: ${d.node}${leader} RSS ${rss.toFixed(0)} MB for ${locks} locks: ${(((rss - baseline) * 1024) / locks).toFixed(1)} KiB per lock above the baseline`,
      );
    }

    // ---- Redis operations per poll cycle (steady state: no command, no failover) ----
    const before = await commandStats(redis);
    const window = 2 * POLL_SECONDS * 1000;
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, window));
    const after = await commandStats(redis);
    const elapsed = Date.now() - w0;
    const delta = new Map<string, number>();
    for (const [name, calls] of after) delta.set(name, calls - (before.get(name) ?? 0));
    delta.set('info', (delta.get('info') ?? 1) - 1); // the bench's own INFO
    const total = [...delta.values()].reduce((s, n) => s + n, 0);
    const cycles = elapsed / (POLL_SECONDS * 1000);
    log(
      `redis: ${total} commands in ${(elapsed / 1000).toFixed(0)} s (${((total * 1000) / elapsed).toFixed(1)}/s) = ${(total / cycles).toFixed(0)} per poll cycle (every account polled once), ${(total / cycles / ACCOUNTS).toFixed(1)} per account poll; by command: ${[
        ...delta,
      ]
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );

    // ---- command overhead: the cluster against one daemon, same broker, same run ----
    const soloTrips = await roundTrips(client, 'solo', 'seam_solo-0');
    const clusterTrips = await roundTrips(client, BASE, 'seam_acct0-0');
    const med = (v: number[]) => percentile(v, 0.5);
    log(
      `commands (${COMMANDS} each, one after another, Seam emulator action 50 ms): single daemon median ${med(soloTrips).toFixed(0)} ms p95 ${percentile(soloTrips, 0.95).toFixed(0)} ms; cluster median ${med(clusterTrips).toFixed(0)} ms p95 ${percentile(clusterTrips, 0.95).toFixed(0)} ms; overhead ${(med(clusterTrips) - med(soloTrips)).toFixed(0)} ms at the median`,
    );

    // ---- kill -9 one daemon: how long until its accounts are served by the others ----
    const victim = started[1];
    const lost = info()!.cluster.nodes.find((n) => n.node === victim.node)!.accounts;
    t = Date.now();
    await victim.kill();
    await until(() => accountsConnected(['n1', 'n3']), 'the survivors serving every account', 600_000);
    log(
      `takeover: ${lost.length} accounts (${lost.length * LOCKS} locks) of a killed daemon served again ${((Date.now() - t) / 1000).toFixed(1)} s after kill -9 (lease ${LEASE_SECONDS} s)`,
    );
  } finally {
    solo?.child.kill('SIGTERM');
    await solo?.done;
    await rm(soloDir, { recursive: true, force: true });
    await client.end().catch(() => undefined);
    await daemons.stopAll();
    redis.disconnect();
    emulators.stop();
    await broker.stop();
    await redisServer.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
