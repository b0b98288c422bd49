import assert from 'node:assert/strict';
import type { CommandResult } from '../../src/core/model';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeamEmulator, SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';
import type { Mosquitto } from '../mqtt/mosquitto';
import { TestClient, isRecord, tryJson } from '../mqtt/support';
import type { RedisServer } from './redis-server';
import { startClusterInfrastructure, until } from './infrastructure';
import { ClusterDaemons, type ClusterDaemon } from './daemons';
import { parsePlatformConfig } from '../../accessories/platform-config';
import { loadMqttLockSource } from '../../accessories/mqtt-source';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import type { LockSource } from '../../src/core/lock-source';

const BASE = 'lbc';
const ACCOUNTS = 6;
const LOCKS_PER_ACCOUNT = 2;
const LEASE_SECONDS = 3;

interface Info {
  cluster: { nodes: Array<{ node: string; accounts: string[] }>; unassigned: string[] };
}
interface Answer {
  transaction: string;
  status: 'ok' | 'error';
  error?: { code: string; reasons?: Array<{ code: string }> };
  at: number;
}
interface Sent {
  transaction: string;
  lock: string;
  command: string;
  sentAt: number;
  expiresAt: number;
}

/**
 * Three real `lockbridge run` daemons in cluster mode (Redis, one mosquitto), six Seam accounts, each
 * its own emulator. One daemon is killed with SIGKILL while access codes it started are pending and
 * commands keep coming for its locks. Everything is checked where it counts: at the emulators (what
 * reached the "vendor", and when) and on the broker (what was answered, how often).
 */
describe('cluster: three daemons, one killed (real redis-server, mosquitto, lockbridge run)', function () {
  this.timeout(180_000);
  let redis: RedisServer | undefined;
  let broker: Mosquitto | undefined;
  const emulators: SeamEmulator[] = [];
  let daemons: ClusterDaemons | undefined;
  let client: TestClient | undefined;
  let homebridge: LockSource | undefined;

  before(async function () {
    ({ redis, broker } = await startClusterInfrastructure(this));
  });

  after(async () => {
    await homebridge?.stop().catch(() => undefined);
    await client?.end().catch(() => undefined);
    await daemons?.stopAll();
    for (const e of emulators) await e.close();
    await broker?.stop();
    await redis?.stop();
  });

  it('serves a dead daemon’s accounts elsewhere, finishes its code operations once, answers every command once and never late, and gives a joining daemon its share', async () => {
    // ---- six accounts, each its own Seam workspace (a code takes 3 s to reach the lock) ----
    const accounts = [];
    const lockOf = new Map<string, string>(); // lock id -> account
    for (let a = 0; a < ACCOUNTS; a++) {
      const emu = new SeamEmulator({ timings: { actionMs: 50, codeSetMs: 3000, codeRemoveMs: 50 } });
      for (let l = 0; l < LOCKS_PER_ACCOUNT; l++) {
        const deviceId = `dev-${a}-${l}`;
        emu.state.addDevice({
          device_id: deviceId,
          device_type: 'schlage_lock',
          name: `Door ${a}.${l}`,
          properties: {
            manufacturer: 'schlage',
            supported_code_lengths: [4, 5, 6, 7, 8],
            max_active_codes_supported: 100,
            code_constraints: [],
          },
        });
        lockOf.set(`seam_${deviceId}`, `acct${a}`);
      }
      emulators.push(emu);
      const url = await emu.listen();
      accounts.push({ vendor: 'seam', id: `acct${a}`, apiKey: SEAM_EMULATOR_API_KEY, baseUrl: url });
    }
    const emulatorOf = (account: string) => emulators[Number(account.slice(4))];

    client = await TestClient.connect(broker!.url);
    await client.subscribe([
      `${BASE}/bridge/info`,
      `${BASE}/bridge/locks`,
      `${BASE}/bridge/node/+/state`,
      `${BASE}/bridge/response/#`,
      `${BASE}/+/code`,
    ]);
    const info = () => client!.json(`${BASE}/bridge/info`) as Info | undefined;
    const holderOf = (account: string) =>
      info()?.cluster.nodes.find((n) => n.accounts.includes(account))?.node;
    /** Waits for a bridge/info received after message number `from` (a mark taken before the cause). */
    const waitInfo = (predicate: (i: Info) => boolean, what: string, from = 0) =>
      until(
        () =>
          client!.received.slice(from).some((m) => {
            const j = m.topic === `${BASE}/bridge/info` ? tryJson(m.payload) : undefined;
            return isRecord(j) && predicate(j as unknown as Info);
          }),
        `bridge/info showing ${what}`,
        60_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last: ${JSON.stringify(info()?.cluster)}`);
      });
    const mark = () => client!.received.length;
    const balanced = (nodes: string[]) => (i: Info) =>
      i.cluster.unassigned.length === 0 &&
      nodes.every(
        (n) => i.cluster.nodes.find((x) => x.node === n)?.accounts.length === ACCOUNTS / nodes.length,
      );

    // ---- three daemons share the six accounts, two each ----
    daemons = new ClusterDaemons({
      accounts,
      mqtt: { url: broker!.url, baseTopic: BASE },
      redis: redis!.url,
      leaseSeconds: LEASE_SECONDS,
      extra: { polling: { intervalSeconds: 5 }, codes: { confirmTimeoutSeconds: 60 } },
    });
    const started: ClusterDaemon[] = [];
    for (const node of ['n1', 'n2', 'n3']) started.push(await daemons.start(node));
    await Promise.all(started.map((d) => d.ready));
    await waitInfo(balanced(['n1', 'n2', 'n3']), 'two accounts on each of n1, n2, n3');
    // The namespace-wide lock list names every lock, whoever serves it.
    await client.waitFor(
      `${BASE}/bridge/locks`,
      (j) => Array.isArray(j) && j.length === ACCOUNTS * LOCKS_PER_ACCOUNT,
      30_000,
    );

    // ---- Homebridge (and Node-RED: the same MQTT lock source) sees one lockbridge, all its locks ----
    const settings = parsePlatformConfig({
      platform: 'Lockbridge',
      source: 'mqtt',
      mqtt: { url: broker!.url, baseTopic: BASE },
    });
    if (settings.kind !== 'mqtt') throw new Error(`platform config: ${settings.kind}`);
    homebridge = loadMqttLockSource(settings.mqtt, new RedactingLogger(new MemorySink()));
    await homebridge.start();
    assert.equal((await homebridge.listLocks()).length, ACCOUNTS * LOCKS_PER_ACCOUNT);
    const unlocked: string[] = [];
    for (const node of ['n1', 'n2', 'n3']) {
      const account = info()!.cluster.nodes.find((n) => n.node === node)!.accounts[0];
      const lock = [...lockOf].find(([, a]) => a === account)![0];
      const result: CommandResult = await homebridge.command({ lockId: lock, command: 'UNLOCK' });
      assert.equal(result.status.state, 'UNLOCKED', `${lock} on ${node}`);
      unlocked.push(lock);
    }

    // ---- requests about the whole namespace are answered whole, whichever daemon answers ----
    const allLocks = async () => {
      const answer = await client!.request('locks', {}, BASE);
      assert.equal(answer.status, 'ok', JSON.stringify(answer));
      return answer.data as Array<{ id: string; status: { state: string } }>;
    };
    let listed = await allLocks();
    for (
      let i = 0;
      i < 50 && !unlocked.every((id) => listed.find((l) => l.id === id)?.status.state === 'UNLOCKED');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      listed = await allLocks();
    }
    assert.deepEqual(
      listed.map((l) => l.id),
      [...lockOf.keys()].sort(),
      'every lock of the cluster, not one daemon share',
    );
    for (const id of unlocked) assert.equal(listed.find((l) => l.id === id)?.status.state, 'UNLOCKED', id);
    const accountsAnswer = await client.request('accounts', {}, BASE);
    assert.deepEqual(
      (accountsAnswer.data as Array<{ account: string; state: string }>)
        .map((a) => [a.account, a.state])
        .sort(),
      accounts.map((a) => [a.id, 'connected']).sort(),
    );

    // Answers to requests and commands, by transaction.
    const answers = new Map<string, Answer[]>();
    client.client.on('message', (topic, payload) => {
      if (!topic.startsWith(`${BASE}/bridge/response/`)) return;
      const body = tryJson(payload);
      if (!isRecord(body) || typeof body.transaction !== 'string') return;
      const list = answers.get(body.transaction) ?? [];
      list.push({ ...(body as unknown as Answer), at: Date.now() });
      answers.set(body.transaction, list);
    });

    // ---- the victim starts one access code on a lock of each of its accounts ----
    const victim = started.find((d) => d.node === 'n2')!;
    const victimAccounts = info()!.cluster.nodes.find((n) => n.node === 'n2')!.accounts;
    assert.equal(victimAccounts.length, 2);
    const victimLocks = [...lockOf].filter(([, a]) => victimAccounts.includes(a)).map(([l]) => l);
    const codes = victimAccounts.map((account, i) => ({
      account,
      lock: [...lockOf].find(([, a]) => a === account)![0],
      name: `Guest ${i} ${randomUUID().slice(0, 8)}`,
      code: ['582941', '739164'][i],
    }));
    for (const c of codes)
      await client.publish(
        `${BASE}/bridge/request/codes/create`,
        JSON.stringify({ lock: c.lock, name: c.name, code: c.code, transaction: randomUUID() }),
      );
    const codesAt = (c: (typeof codes)[number]) =>
      [...emulatorOf(c.account).state.codes.values()].filter((r) => r.code.name === c.name);
    // The vendor accepted each (it is "setting" for 3 s): the operation is pending in the journal.
    await until(() => codes.every((c) => codesAt(c).length === 1), 'both codes reached the emulator');

    // ---- kill -9 ----
    const killed = mark();
    await victim.kill();
    await client.waitFor(`${BASE}/bridge/node/n2/state`, (j) => isRecord(j) && j.state === 'offline', 30_000);

    // ---- commands for the victim's locks all through the failover ----
    const sent: Sent[] = [];
    const sendCommand = async (lock: string, command: string) => {
      const transaction = randomUUID();
      const sentAt = Date.now();
      const expiresAt = sentAt + 8000;
      sent.push({ transaction, lock, command, sentAt, expiresAt });
      await client!.publish(
        `${BASE}/${lock}/set`,
        JSON.stringify({ command, transaction, expires_at: new Date(expiresAt).toISOString() }),
      );
    };
    const okAfterTakeover = new Set<string>();
    let round = 0;
    while (okAfterTakeover.size < victimLocks.length) {
      for (const lock of victimLocks) {
        const command = round % 2 === 0 ? 'UNLOCK' : 'LOCK';
        await sendCommand(lock, command);
      }
      round++;
      await new Promise((r) => setTimeout(r, 300));
      for (const s of sent)
        if (answers.get(s.transaction)?.some((a) => a.status === 'ok')) okAfterTakeover.add(s.lock);
      if (round > 400) throw new Error('the victim’s locks never answered a command after the failover');
    }
    // Every command sent gets its answer.
    await until(
      () => sent.every((s) => answers.has(s.transaction)),
      'an answer to every command',
      60_000,
    ).catch((err: Error) => {
      const missing = sent.filter((s) => !answers.has(s.transaction));
      const logs = daemons!.daemons.map(
        (d) => `---- ${d.node}\n${d.run.stdout.slice(-6000)}${d.run.stderr.slice(-3000)}`,
      );
      // LB_CLUSTER_DEBUG=<folder>: every daemon's whole output, one file each.
      if (process.env.LB_CLUSTER_DEBUG)
        for (const d of daemons!.daemons)
          writeFileSync(join(process.env.LB_CLUSTER_DEBUG, `lbc-${d.node}.log`), d.run.stdout + d.run.stderr);
      throw new Error(
        `${err.message}: ${JSON.stringify(missing.map((m) => [m.lock, m.command, m.sentAt]))}\n${logs.join('\n')}`,
      );
    });

    // The victim's accounts are now held by n1 and n3, and the codes it started are confirmed once.
    await waitInfo(balanced(['n1', 'n3']), 'three accounts on each of n1 and n3', killed);
    for (const account of victimAccounts) assert.notEqual(holderOf(account), 'n2');
    for (const c of codes)
      await client.waitFor(
        `${BASE}/${c.lock}/code`,
        (j) =>
          isRecord(j) &&
          isRecord(j.result) &&
          j.result.outcome === 'confirmed' &&
          isRecord(j.code) &&
          j.code.name === c.name,
        60_000,
      );
    for (const c of codes) {
      const records = codesAt(c);
      assert.equal(records.length, 1, `exactly one code "${c.name}" on ${c.lock}`);
      assert.equal(records[0].code.status, 'set');
      const creates = emulatorOf(c.account).server.requests.filter(
        (r) => r.path === '/access_codes/create' && isRecord(r.body) && r.body.name === c.name,
      );
      assert.equal(creates.length, 1, `the create of "${c.name}" reached the vendor once`);
    }

    // ---- a barrier: a late duplicate answer would be in before this one ----
    const barrier = randomUUID();
    await client.publish(`${BASE}/bridge/request/accounts`, JSON.stringify({ transaction: barrier }));
    await until(() => answers.has(barrier), 'the barrier request answered');

    // ---- every command answered exactly once; executed at most once, never after its expiry ----
    const codesOf = new Map<string, number>();
    for (const s of sent) {
      const list = answers.get(s.transaction)!;
      assert.equal(list.length, 1, `command ${s.transaction} answered once, got ${list.length}`);
      const a = list[0];
      if (a.status === 'error') codesOf.set(a.error!.code, (codesOf.get(a.error!.code) ?? 0) + 1);
      if (a.status === 'error')
        assert.ok(['not_ready', 'expired'].includes(a.error!.code), `answer ${JSON.stringify(a.error)}`);
    }
    assert.ok(
      (codesOf.get('not_ready') ?? 0) > 0,
      'some commands came while nobody could act, and were refused',
    );
    const firstSent = Math.min(...sent.map((s) => s.sentAt));
    for (const lock of victimLocks) {
      const account = lockOf.get(lock)!;
      const deviceId = lock.slice('seam_'.length);
      const actuations = emulatorOf(account).server.requests.filter(
        (r) =>
          r.at >= firstSent &&
          (r.path === '/locks/unlock_door' || r.path === '/locks/lock_door') &&
          isRecord(r.body) &&
          r.body.device_id === deviceId,
      );
      const mine = sent.filter((s) => s.lock === lock);
      const ok = mine.filter((s) => answers.get(s.transaction)![0].status === 'ok');
      assert.equal(actuations.length, ok.length, `${lock}: one vendor call per command answered ok`);
      // Each call reached the emulator within the life of a command for this lock that was answered ok.
      for (const r of actuations)
        assert.ok(
          ok.some((s) => s.sentAt <= r.at && r.at <= s.expiresAt),
          `${lock}: a vendor call at ${r.at} belongs to no command in time`,
        );
    }

    // Homebridge still has every lock, and commands a lock the dead daemon served.
    assert.equal((await homebridge.listLocks()).length, ACCOUNTS * LOCKS_PER_ACCOUNT);
    const moved = await homebridge.command({ lockId: victimLocks[0], command: 'LOCK' });
    assert.equal(moved.status.state, 'LOCKED');

    // ---- a daemon joining takes its share ----
    const joining = mark();
    const joined = await daemons.start('n4');
    await joined.ready;
    await waitInfo(balanced(['n1', 'n3', 'n4']), 'two accounts on each of n1, n3, n4', joining);

    // ---- a clean stop hands its accounts back: the others take them without waiting for a lease ----
    const stopping = mark();
    await joined.stop();
    await waitInfo(balanced(['n1', 'n3']), 'three accounts on each of n1 and n3 after n4 stopped', stopping);
    assert.match(
      joined.run.stdout + joined.run.stderr,
      /Releasing account "acct\d+" \(token \d+\): this daemon is stopping/,
    );
  });
});
