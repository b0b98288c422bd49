import assert from 'node:assert/strict';
import { LockbridgeError } from '../../src/core/errors';
import { SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';
import { createCodeService, type PinCodeService } from '../../src/pins/service';
import { validate } from '../../src/pins/validate';
import { startSeam, type Running } from '../emulators/seam/helpers';
import { makeDriver, type DriverHarness } from '../vendors/seam/helpers';
import { depsForDriver, type DriverDeps } from './driver-deps';

const FAST = { pollInitialMs: 5, pollMaxMs: 20, followUpPollMs: 20, resumeRetryMs: 5 };

describe('pins/code service against the Seam driver and emulator', () => {
  let seam: Running;
  let h: DriverHarness;
  let d: DriverDeps;
  let service: PinCodeService;

  beforeEach(async () => {
    seam = await startSeam();
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url });
    await h.driver.start();
    d = await depsForDriver(h.driver);
    service = createCodeService(d.deps, FAST);
    await service.start();
  });
  afterEach(async () => {
    await service.stop();
    d.close();
    await h.driver.stop();
    await seam.emulator.close();
  });

  const creates = () => seam.emulator.server.requestsTo('POST', '/access_codes/create').length;
  const lockNamed = (name: string) => {
    const lock = d.locks.find((l) => l.name === name);
    assert.ok(lock, name);
    return lock;
  };

  it('creates a generated code on the Nuki Front Door and confirms it on the lock', async () => {
    const front = lockNamed('Front Door');
    const r = await service.create(front.id, { name: 'Cleaner' });
    assert.equal(r.outcome, 'confirmed', JSON.stringify(r.error));
    assert.ok(['push', 'readback'].includes(r.confirmedBy));
    assert.equal(r.code.status, 'set');
    assert.equal(validate(r.code.code, 'Cleaner', undefined, front, { now: Date.now() }).ok, true);
    assert.equal(creates(), 1);
    const listed = await service.list(front.id);
    assert.deepEqual(
      listed.map((c) => [c.id, c.status]),
      [[r.code.id, 'set']],
    );
    const gone = await service.delete(front.id, r.code.id);
    assert.equal(gone.outcome, 'confirmed');
  });

  it('refuses a code that breaks the Nuki constraints before calling Seam, with every reason', async () => {
    const front = lockNamed('Front Door');
    const err = await service
      .create(front.id, { name: 'A name that is far too long', code: '120456' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof LockbridgeError && err.code === 'invalid_code');
    assert.deepEqual(err.reasons.map((r) => r.code).sort(), [
      'cannot_start_with_12',
      'name_too_long',
      'no_zeros',
    ]);
    assert.equal(creates(), 0);
  });

  it('puts one code set on the Nuki and the Schlage lock, fitting both', async () => {
    const front = lockNamed('Front Door');
    const back = lockNamed('Back Door');
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const r = await service.createSet({
      name: 'Weekend guest',
      lockIds: [front.id, back.id],
      schedule: { kind: 'time_bound', start, end },
    });
    assert.deepEqual(
      r.results.map((x) => [x.lockId, x.ok]),
      [
        [front.id, true],
        [back.id, true],
      ],
    );
    // Seam keeps a code that starts later unset until its start: accepted and scheduled is confirmed.
    assert.deepEqual(
      r.results.map((x) => x.result?.outcome),
      ['confirmed', 'confirmed'],
    );
    const codes = r.results.map((x) => x.result?.code.code);
    assert.equal(codes[0], codes[1]);
    assert.match(codes[0] ?? '', /^[1-9]{6}$/);
    assert.equal(creates(), 2);
  });
});
