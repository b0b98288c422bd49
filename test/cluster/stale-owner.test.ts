import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SeamEmulator, SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';
import type { Mosquitto } from '../mqtt/mosquitto';
import { TestClient, isRecord, tryJson } from '../mqtt/support';
import type { RedisServer } from './redis-server';
import { startClusterInfrastructure, until } from './infrastructure';
import { ClusterDaemons } from './daemons';

const BASE = 'lbs';

interface Info {
  cluster: { nodes: Array<{ node: string; accounts: string[] }>; unassigned: string[] };
}

/**
 * A stale owner: a daemon frozen (SIGSTOP) with a command admitted and waiting behind another on the
 * same lock. Its lease runs out and the other daemon takes the account; when it thaws (SIGCONT) the
 * waiting command must not go out: it is answered not_ready, and the emulator sees no call for it.
 */
describe('cluster: a frozen daemon’s waiting command is not sent when it thaws (real lockbridge run)', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  let broker: Mosquitto | undefined;
  const emulators: SeamEmulator[] = [];
  let daemons: ClusterDaemons | undefined;
  let client: TestClient | undefined;
  let frozenPid: number | undefined;

  before(async function () {
    ({ redis, broker } = await startClusterInfrastructure(this));
  });

  after(async () => {
    if (frozenPid !== undefined) process.kill(frozenPid, 'SIGCONT');
    await client?.end().catch(() => undefined);
    await daemons?.stopAll();
    for (const e of emulators) await e.close();
    await broker?.stop();
    await redis?.stop();
  });

  it('answers not_ready and sends nothing', async () => {
    const accounts = [];
    for (let a = 0; a < 2; a++) {
      // An unlock takes 2 s at the lock: a second command waits behind the first meanwhile.
      const emu = new SeamEmulator({ timings: { actionMs: 2000 } });
      emu.state.addDevice({
        device_id: `dev-${a}`,
        device_type: 'schlage_lock',
        name: `Door ${a}`,
        properties: { manufacturer: 'schlage', supported_code_lengths: [4, 5, 6], code_constraints: [] },
      });
      emulators.push(emu);
      accounts.push({
        vendor: 'seam',
        id: `acct${a}`,
        apiKey: SEAM_EMULATOR_API_KEY,
        baseUrl: await emu.listen(),
      });
    }
    client = await TestClient.connect(broker!.url);
    await client.subscribe([`${BASE}/bridge/info`, `${BASE}/bridge/response/#`]);
    const info = () => client!.json(`${BASE}/bridge/info`) as Info | undefined;
    /** Waits for a bridge/info received after message number `from` (a mark taken before the cause). */
    const waitInfo = (predicate: (i: Info) => boolean, from = 0) =>
      until(
        () =>
          client!.received.slice(from).some((m) => {
            const j = m.topic === `${BASE}/bridge/info` ? tryJson(m.payload) : undefined;
            return isRecord(j) && predicate(j as unknown as Info);
          }),
        'bridge/info',
        60_000,
      );

    daemons = new ClusterDaemons({
      accounts,
      mqtt: { url: broker!.url, baseTopic: BASE },
      redis: redis!.url,
      leaseSeconds: 3,
      extra: { polling: { intervalSeconds: 30 } },
    });
    const n1 = await daemons.start('n1');
    const n2 = await daemons.start('n2');
    await Promise.all([n1.ready, n2.ready]);
    await waitInfo(
      (i) => i.cluster.nodes.every((n) => n.accounts.length === 1) && i.cluster.nodes.length === 2,
    );
    const account = info()!.cluster.nodes.find((n) => n.node === 'n2')!.accounts[0];
    const emu = emulators[Number(account.slice(4))];
    const lock = `seam_dev-${account.slice(4)}`;

    const answers = new Map<string, Record<string, unknown>>();
    client.client.on('message', (topic, payload) => {
      const body = tryJson(payload);
      if (
        topic === `${BASE}/bridge/response/command` &&
        isRecord(body) &&
        typeof body.transaction === 'string'
      )
        answers.set(body.transaction, body);
    });
    const send = async (command: string) => {
      const transaction = randomUUID();
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      await client!.publish(
        `${BASE}/${lock}/set`,
        JSON.stringify({ command, transaction, expires_at: expiresAt }),
      );
      return transaction;
    };
    const admitted = (n: number) =>
      ((n2.run.stdout + n2.run.stderr).match(new RegExp(`(UNLOCK|LOCK) on ${lock} from MQTT`, 'g')) ?? [])
        .length >= n;

    // The first command goes out; the second is admitted by n2 and waits behind it. Then n2 freezes.
    const first = await send('UNLOCK');
    await until(
      () => admitted(1) && emu.server.requests.some((r) => r.path === '/locks/unlock_door'),
      'the first unlock sent',
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}: ${JSON.stringify([...answers.values()])}\n${n2.run.stdout.slice(-3000)}\n${n1.run.stdout.slice(-3000)}`,
      );
    });
    const second = await send('LOCK');
    await until(() => admitted(2), 'n2 admitted the second command');
    frozenPid = n2.run.child.pid!;
    const frozen = client.received.length;
    process.kill(frozenPid, 'SIGSTOP');
    const calls = () =>
      emu.server.requests.filter((r) => r.path === '/locks/unlock_door' || r.path === '/locks/lock_door');
    assert.equal(calls().length, 1, 'the second command had not gone out when n2 froze');

    // n2's lease runs out; n1 takes the account.
    await waitInfo(
      (i) => i.cluster.nodes.some((n) => n.node === 'n1' && n.accounts.includes(account)),
      frozen,
    );
    process.kill(frozenPid, 'SIGCONT');
    frozenPid = undefined;

    // n2 thaws: the first command ends as it may; the second is refused, never sent.
    await until(() => answers.has(first) && answers.has(second), 'both commands answered', 60_000);
    const refused = answers.get(second)!;
    assert.equal(
      refused.status,
      'error',
      `${JSON.stringify(refused)}\n${n2.run.stderr.slice(-4000)}\n---- n1\n${n1.run.stderr.slice(-3000)}`,
    );
    assert.equal((refused.error as { code: string }).code, 'not_ready');
    assert.equal(
      calls().filter((r) => r.path === '/locks/lock_door').length,
      0,
      'the stale LOCK never reached the vendor',
    );
    assert.equal(calls().length, 1);
  });
});
