import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import { startSeam, type Running } from '../../emulators/seam/helpers';
import { commandOptions } from '../../support/command-options';
import { controller, makeDriver } from './helpers';

const API_KEY = 'seam_live_super_secret_key_4242';

describe('seam driver: secrets and PINs stay out of logs and errors', () => {
  let seam: Running;
  afterEach(() => seam.emulator.close());

  it('never logs or throws the API key or a PIN, whatever fails', async () => {
    seam = await startSeam({ apiKeys: [API_KEY] });
    const ids = seam.emulator.demo as NonNullable<Running['emulator']['demo']>;
    const h = makeDriver({ apiKey: API_KEY, baseUrl: seam.url });
    const errors: unknown[] = [];
    const capture = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        errors.push(err);
      }
    };
    await h.driver.start();
    try {
      await h.driver.codes.create(ids.nuki, { name: 'Cleaner', code: '345678' });
      await capture(h.driver.codes.create(ids.nuki, { name: 'Again', code: '345678' }));
      await capture(h.driver.codes.create(ids.nuki, { name: 'Bad', code: '120456' }));
      seam.emulator.faults.failNext(1, 500, { path: /access_codes\/create/ });
      await capture(h.driver.codes.create(ids.nuki, { name: 'Fault', code: '987654' }));
      await capture(h.driver.command(ids.offline, 'UNLOCK', commandOptions('x', controller().signal)));
      // More faults than any retry sequence can use up, even when the background poller takes some.
      seam.emulator.faults.failNext(20, 503, { path: /events\/list/ });
      await h.driver.eventPoller?.pollOnce().catch((e: unknown) => errors.push(e));
      seam.emulator.revokeApiKey(API_KEY);
      await capture(h.driver.listLocks());
    } finally {
      await h.driver.stop();
    }
    assert.equal(errors.length, 6);
    assert.ok(errors.every((e) => e instanceof LockbridgeError));
    const text = [
      h.sink.text(),
      ...errors.map(
        (e) => `${(e as LockbridgeError).message} ${JSON.stringify((e as LockbridgeError).toJSON())}`,
      ),
    ].join('\n');
    assert.ok(h.sink.lines.length > 0, 'debug lines were written');
    for (const secret of [API_KEY, '345678', '120456', '987654'])
      assert.ok(!text.includes(secret), `${secret} leaked`);
    assert.deepEqual(
      errors.map((e) => (e as LockbridgeError).code),
      [
        'code_conflict',
        'invalid_code',
        'vendor_unavailable',
        'lock_offline',
        'vendor_unavailable',
        'auth_failed',
      ],
    );
  });

  it('refuses an account without an API key with invalid_config', () => {
    seam = { emulator: { close: async () => undefined } } as unknown as Running;
    assert.throws(
      () => makeDriver({ apiKey: '', baseUrl: 'http://127.0.0.1:1' }),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_config',
    );
  });
});
