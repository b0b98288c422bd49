import assert from 'node:assert/strict';
import { SeamEmulator, SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';
import type { Mosquitto } from '../mqtt/mosquitto';
import { TestClient, tryJson } from '../mqtt/support';
import type { RedisServer } from './redis-server';
import { startClusterInfrastructure, until } from './infrastructure';
import { ClusterDaemons } from './daemons';

const BASE = 'lbst';
const STATE = `${BASE}/bridge/state`;

/**
 * The namespace's bridge/state (Home Assistant's availability for every entity) in cluster mode:
 * online while any daemon runs, offline when the last one goes, by kill -9 or by a clean stop. A
 * daemon that dies fires its will there; the survivors say online again.
 */
describe('cluster: bridge/state says offline only when the last daemon is gone (real lockbridge run)', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  let broker: Mosquitto | undefined;
  let emulator: SeamEmulator | undefined;
  let daemons: ClusterDaemons | undefined;
  let client: TestClient | undefined;

  before(async function () {
    ({ redis, broker } = await startClusterInfrastructure(this));
  });

  after(async () => {
    await client?.end().catch(() => undefined);
    await daemons?.stopAll();
    await emulator?.close();
    await broker?.stop();
    await redis?.stop();
  });

  /** What a client connecting now is told (the retained bridge/state). */
  async function retainedState(): Promise<string | undefined> {
    const fresh = await TestClient.connect(broker!.url);
    try {
      await fresh.subscribe(STATE);
      const m = await fresh.waitFor(STATE, () => true, 10_000);
      return (tryJson(m.payload) as { state?: string } | undefined)?.state;
    } finally {
      await fresh.end();
    }
  }
  const states = () =>
    client!.received
      .filter((m) => m.topic === STATE)
      .map((m) => (tryJson(m.payload) as { state?: string } | undefined)?.state);

  it('kill -9 of one: offline by its will, online again by the others; the last one gone: offline', async () => {
    emulator = new SeamEmulator();
    emulator.state.addDevice({
      device_id: 'dev-0',
      device_type: 'schlage_lock',
      name: 'Door',
      properties: { manufacturer: 'schlage', supported_code_lengths: [4, 5, 6], code_constraints: [] },
    });
    daemons = new ClusterDaemons({
      accounts: [
        { vendor: 'seam', id: 'acct0', apiKey: SEAM_EMULATOR_API_KEY, baseUrl: await emulator.listen() },
      ],
      mqtt: { url: broker!.url, baseTopic: BASE },
      redis: redis!.url,
      leaseSeconds: 3,
    });
    const n1 = await daemons.start('n1');
    const n2 = await daemons.start('n2');
    const n3 = await daemons.start('n3');
    await Promise.all([n1.ready, n2.ready, n3.ready]);
    client = await TestClient.connect(broker!.url);
    await client.subscribe([STATE, `${BASE}/bridge/info`]);
    await client.waitFor(STATE, (j) => (j as { state?: string }).state === 'online', 10_000);
    // Every daemon is in the cluster (beating in Redis) before one stops.
    await client.waitFor(
      `${BASE}/bridge/info`,
      (j) => (j as { cluster?: { nodes?: unknown[] } }).cluster?.nodes?.length === 3,
      30_000,
    );

    // A clean stop while others run says nothing on bridge/state.
    const before = states().length;
    await n1.stop();
    assert.equal(await retainedState(), 'online');
    assert.deepEqual(states().slice(before), [], 'no offline from a clean stop while others run');

    // kill -9: the broker publishes n2's will (offline); n3 says online again.
    const mark = states().length;
    await n2.kill();
    await until(() => states().slice(mark).includes('offline'), "n2's will on bridge/state");
    await until(
      () => states().slice(mark).lastIndexOf('online') > states().slice(mark).indexOf('offline'),
      'online again',
    );
    assert.equal(await retainedState(), 'online');

    // The last daemon dies: its will stays, nobody says online: Home Assistant shows unavailable.
    await n3.kill();
    await until(() => states().at(-1) === 'offline', "n3's will");
    assert.equal(await retainedState(), 'offline');
  });

  it('the clean stop of the last daemon says offline', async () => {
    const n4 = await daemons!.start('n4');
    await n4.ready;
    await until(() => states().at(-1) === 'online', 'n4 online');
    await n4.stop();
    assert.equal(await retainedState(), 'offline');
  });
});
