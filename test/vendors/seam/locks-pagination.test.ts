import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { startSeam, type Running } from '../../emulators/seam/helpers';
import { makeDriver, type DriverHarness } from './helpers';

/** Issue 15: a workspace with more than 500 locks (Seam's default page) must be listed in full. */
describe('seam driver: locks/list pages', () => {
  let seam: Running;
  let h: DriverHarness;
  beforeEach(async () => {
    seam = await startSeam({ seed: false });
    for (let i = 0; i < 1200; i++)
      seam.emulator.state.addDevice({ device_type: 'schlage_lock', name: `Room ${i}` });
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url });
  });
  afterEach(async () => {
    await h.driver.stop();
    await seam.emulator.close();
  });

  it('lists all 1,200 locks, sending limit and following page_cursor with the same body', async () => {
    const before = seam.emulator.server.requestsTo('POST', '/locks/list').length;
    const locks = await h.driver.listLocks();
    assert.equal(locks.length, 1200);
    assert.equal(new Set(locks.map((l) => l.vendorLockId)).size, 1200);
    const bodies = seam.emulator.server
      .requestsTo('POST', '/locks/list')
      .slice(before)
      .map((r) => r.body as { limit?: number; page_cursor?: string });
    assert.equal(bodies.length, 3);
    assert.deepEqual(bodies[0], { limit: 500 });
    for (const b of bodies.slice(1)) {
      assert.equal(b.limit, 500);
      assert.equal(typeof b.page_cursor, 'string');
    }
  });

  it('warns when a full page comes back without pagination (locks may be missing)', async () => {
    // A server that answers 500 locks and no pagination object: the driver cannot know whether more exist.
    const locks = [...seam.emulator.state.devices.values()].slice(0, 500);
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        const body = req.url === '/locks/list' ? { locks, devices: locks } : { acs_systems: [] };
        res.end(JSON.stringify({ ...body, ok: true }));
      });
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const other = makeDriver({
      apiKey: SEAM_EMULATOR_API_KEY,
      baseUrl: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
    });
    try {
      assert.equal((await other.driver.listLocks()).length, 500);
      assert.ok(other.sink.lines.some((l) => l.level === 'warn' && /no pagination/.test(l.message)));
    } finally {
      await new Promise((r) => bare.close(r));
    }
  });
});
