import assert from 'node:assert/strict';
import { request } from 'node:http';
import { LockbridgeError } from '../../../src/core/errors';
import type { SmartphoneKeyEmulator } from '../../../src/emulators/smartphonekey';
import { SPK, seededSpk } from '../../emulators/smartphonekey/fixture';
import { opts, spkDriver, waitFor } from './helpers';

async function rejectsWith(fn: () => Promise<unknown>, code: string): Promise<LockbridgeError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, `not a LockbridgeError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('SmartphoneKey driver', () => {
  let emu: SmartphoneKeyEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededSpk();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('lists owned + accessible locks with online state in two calls per cycle', async () => {
    const { driver, storage } = spkDriver(base);
    await driver.start();
    const locks = await driver.listLocks();
    const byId = new Map(locks.map((l) => [l.vendorLockId, l]));
    assert.deepEqual([...byId.keys()], ['101', '102', '201']);
    assert.equal(byId.get('101')?.name, 'Front Door');
    assert.deepEqual(byId.get('101')?.capabilities, ['open', 'keys']);
    assert.deepEqual(byId.get('201')?.capabilities, ['open']);
    assert.equal(byId.get('101')?.status.online, true);
    assert.equal(byId.get('102')?.status.online, false);
    assert.equal(byId.get('101')?.serialNumber, 'SPK-000101');
    // Honest state: SmartphoneKey reports no lock state, so nothing is assumed.
    assert.ok(locks.every((l) => l.status.state === 'UNKNOWN'));
    assert.ok(
      locks.every(
        (l) => !l.capabilities.includes('lock') && !l.capabilities.includes('access_codes') && !l.codeRules,
      ),
    );
    const before = emu.server.requests.length;
    emu.setOnline(102, true);
    const again = await driver.listLocks();
    assert.equal(emu.server.requests.length - before, 2, 'owned-locks + accessible-locks only');
    assert.equal(again.find((l) => l.vendorLockId === '102')?.status.online, true);
    // The uuid join is stored: a restarted driver does not read basic-info again.
    const infoCalls = emu.server.requestsTo('GET', /basic-info$/).length;
    assert.equal(infoCalls, 3);
    const restarted = spkDriver(base, {}, storage);
    await restarted.driver.start();
    assert.equal(emu.server.requestsTo('GET', /basic-info$/).length, infoCalls);
  });

  it('works the same with an organisation API key', async () => {
    const { driver } = spkDriver(base, { jwt: undefined, apiKey: SPK.keyA });
    await driver.start();
    const locks = await driver.listLocks();
    assert.deepEqual(
      locks.map((l) => l.vendorLockId),
      ['101', '102'],
    );
    assert.ok(
      emu.server.requests.every((r) => r.headers['x-api-key'] === SPK.keyA && !r.headers.authorization),
    );
  });

  it('opens momentarily with a requestId of its own; lock and unlock are not supported', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    const outcome = await driver.command('101', 'OPEN', opts('hub-req-7'));
    assert.deepEqual(outcome, { momentary: true });
    const sent = emu.server.requestsTo('POST', '/locks/101/OpenLock');
    assert.equal(sent.length, 1);
    const body = sent[0].body as { requestId: string; reason: string };
    assert.equal(body.reason, 'Lockbridge');
    assert.match(body.requestId, /^[0-9a-f-]{36}$/);
    await waitFor(() => emu.lock(101).opens === 1);
    const before = emu.server.requests.length;
    for (const command of ['LOCK', 'UNLOCK'] as const)
      await rejectsWith(() => driver.command('101', command, opts()), 'not_supported');
    assert.equal(emu.server.requests.length, before);
  });

  it('two OPEN commands with the same client transaction open the door twice (issue 14, item 4)', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    // The hub passes the client's MQTT transaction as options.requestId; a reused one must not make
    // the second OPEN a duplicate at SmartphoneKey.
    await driver.command('101', 'OPEN', opts('mqtt-tx-1'));
    await driver.command('101', 'OPEN', opts('mqtt-tx-1'));
    const ids = emu.server
      .requestsTo('POST', '/locks/101/OpenLock')
      .map((r) => (r.body as { requestId: string }).requestId);
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
    assert.ok(!ids.includes('mqtt-tx-1'), 'the client transaction never reaches the vendor');
    await waitFor(() => emu.lock(101).opens === 2);
  });

  it('retries a 502 with the same requestId and the lock opens exactly once', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    emu.failShadowUpdates(2);
    await driver.command('101', 'OPEN', opts('retry-1'));
    const sent = emu.server.requestsTo('POST', '/locks/101/OpenLock');
    assert.equal(sent.length, 3);
    const ids = new Set(sent.map((r) => (r.body as { requestId: string }).requestId));
    assert.equal(ids.size, 1, 'every retry of one command carries the same requestId');
    // The shadow was updated but the answer was a 502: the retry is deduped by requestId.
    emu.failShadowUpdates(1, { afterApply: true });
    await driver.command('101', 'OPEN', opts('retry-2'));
    const all = emu.server.requestsTo('POST', '/locks/101/OpenLock');
    assert.equal(all.length, 5);
    assert.equal(
      (all[3].body as { requestId: string }).requestId,
      (all[4].body as { requestId: string }).requestId,
    );
    await waitFor(() => emu.lock(101).opens === 2);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(emu.lock(101).opens, 2);
  });

  it('refuses OPEN on an offline lock with lock_offline and sends nothing (issue 14, item 5)', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    // 102 is offline: SmartphoneKey would queue the open in the shadow and run it whenever the
    // device comes back, long after the command's deadline.
    const err = await rejectsWith(() => driver.command('102', 'OPEN', opts('offline-1')), 'lock_offline');
    assert.match(err.message, /offline/);
    assert.equal(emu.server.requestsTo('POST', '/locks/102/OpenLock').length, 0);
    emu.setOnline(102, true);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(emu.lock(102).opens, 0, 'nothing was queued to run later');
    // Connectivity is read fresh: the lock that came back opens at once.
    await driver.command('102', 'OPEN', opts('offline-2'));
    await waitFor(() => emu.lock(102).opens === 1);
    // And a lock that went offline since the last listing is refused too.
    emu.setOnline(101, false);
    await rejectsWith(() => driver.command('101', 'OPEN', opts('offline-3')), 'lock_offline');
    assert.equal(emu.server.requestsTo('POST', '/locks/101/OpenLock').length, 0);
  });

  it('when the connectivity read fails, the last listing decides (offline stays refused)', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    await driver.listLocks();
    emu.server.faults.failNext(100, 503, { path: /owned-locks/ });
    await rejectsWith(() => driver.command('102', 'OPEN', opts('cached-offline')), 'lock_offline');
    assert.equal(emu.server.requestsTo('POST', '/locks/102/OpenLock').length, 0);
    await driver.command('101', 'OPEN', opts('cached-online'));
    await waitFor(() => emu.lock(101).opens === 1);
  });

  it('ends in a typed error when the shadow keeps failing, without opening', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    emu.failShadowUpdates(10);
    const err = await rejectsWith(() => driver.command('101', 'OPEN', opts('dead')), 'vendor_unavailable');
    assert.deepEqual(
      err.reasons.map((r) => r.code),
      ['shadow_update_failed'],
    );
    assert.equal(err.status, 502);
    assert.equal(emu.server.requestsTo('POST', '/locks/101/OpenLock').length, 4);
    assert.equal(emu.lock(101).opens, 0);
  });

  it('maps 401, 403 and 404 to typed errors, and stops when aborted', async () => {
    const { driver } = spkDriver(base, { jwt: undefined, apiKey: SPK.keyA });
    await driver.start();
    await rejectsWith(() => driver.command('201', 'OPEN', opts()), 'forbidden');
    await rejectsWith(() => driver.command('999', 'OPEN', opts()), 'not_found');
    await rejectsWith(() => driver.getLock('201'), 'not_found');
    const ctrl = new AbortController();
    ctrl.abort();
    await rejectsWith(() => driver.command('101', 'OPEN', opts('aborted', ctrl.signal)), 'timeout');
    const bad = spkDriver(base, { jwt: 'not-a-real-jwt-value', webhook: { listenPort: 0 } });
    await rejectsWith(() => bad.driver.start(), 'auth_failed');
    assert.equal(bad.driver.webhookUrl, undefined, 'the webhook listener is closed after a failed start');
  });

  it('adds, lists and removes keys; refuses schedules and other share kinds', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    const added = await driver.shares.share('101', {
      kind: 'key',
      lockId: 'smartphonekey_101',
      userId: SPK.bob,
    });
    const keyUuid = added.data?.keyUuid as string;
    assert.deepEqual(emu.server.requestsTo('POST', '/locks/101/AddKey')[0].body, {
      keyUuid,
      userId: SPK.bob,
    });
    const shares = await driver.shares.list('101');
    assert.deepEqual(shares, [
      { id: keyUuid, kind: 'key', lockId: 'smartphonekey_101', with: SPK.bob, state: 'active' },
    ]);
    await driver.shares.share('101', { kind: 'revoke_key', lockId: 'smartphonekey_101', keyId: keyUuid });
    assert.deepEqual(await driver.shares.list('101'), []);
    await rejectsWith(
      () => driver.shares.share('101', { kind: 'revoke_key', lockId: 'x', keyId: keyUuid }),
      'not_found',
    );
    await rejectsWith(() => driver.shares.share('101', { kind: 'key', lockId: 'x' }), 'invalid_input');
    await rejectsWith(
      () =>
        driver.shares.share('101', {
          kind: 'key',
          lockId: 'x',
          userId: SPK.bob,
          schedule: { kind: 'time_bound', start: 'a', end: 'b' },
        }),
      'not_supported',
    );
    await rejectsWith(
      () => driver.shares.share('101', { kind: 'duplicate', lockId: 'x', toPhone: '+4791234567' }),
      'not_supported',
    );
    // A GUEST may not manage keys: the vendor says 403.
    await rejectsWith(
      () => driver.shares.share('201', { kind: 'key', lockId: 'x', userId: SPK.carol }),
      'forbidden',
    );
  });

  it('reads the last open from the event log on read-back', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    await driver.command('101', 'OPEN', opts('ev-1'));
    const lock = await driver.getLock('101');
    assert.equal(lock.status.lastAction?.action, 'OPEN');
    assert.equal(lock.status.lastAction?.how, 'remote');
    assert.equal((await driver.getLock('102')).status.lastAction, null);
  });

  it('pushes activity and the shadow state (OPEN, then LOCKED) from webhooks, once per delivery id', async () => {
    const bearer = 'webhook-bearer-secret-1';
    const { driver, pushes } = spkDriver(base, {
      webhook: { listenHost: '127.0.0.1', listenPort: 0, bearer },
    });
    await driver.start();
    emu.setWebhook(driver.webhookUrl, { bearer, duplicate: true });
    // Far enough apart that the open and the relock are reported in two separate moments.
    emu.relockDelayMs = 300;
    assert.ok((await driver.listLocks()).every((l) => l.capabilities.includes('push')));
    await driver.command('101', 'OPEN', opts('wh-1'));
    const states = () => pushes.flatMap((p) => (p.type === 'status' ? [p.status.state] : []));
    await waitFor(() => states().includes('OPEN') && states().at(-1) === 'LOCKED', 10_000);
    const activity = pushes.filter((p) => p.type === 'activity');
    assert.equal(activity.length, 1, 'duplicate deliveries are deduped');
    assert.equal(activity[0].type === 'activity' && activity[0].action.action, 'OPEN');
    // LOCKED first when the pre-open report arrives before the device acts; only changes are pushed.
    assert.deepEqual(states().slice(-2), ['OPEN', 'LOCKED']);
    assert.ok(states().length <= 3);
    const lock = (await driver.listLocks()).find((l) => l.vendorLockId === '101');
    assert.equal(lock?.status.state, 'LOCKED');
    assert.equal(lock?.status.lastAction?.action, 'OPEN');
    // A delivery without the Bearer is refused, and garbage never crashes the driver.
    const url = driver.webhookUrl as string;
    const post = (headers: Record<string, string>, payload: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(payload);
      });
    const forged = {
      id: 'forged',
      source: 'spk.iot.shadow',
      detail: { thingName: 'spk-lock-101', reportedState: '{"available":true,"1/257/0":2}', version: 1e12 },
    };
    assert.equal(await post({}, JSON.stringify(forged)), 401);
    assert.equal(await post({ authorization: `Bearer ${bearer}` }, 'not json'), 400);
    assert.equal(await post({ authorization: `Bearer ${bearer}` }, JSON.stringify({ nope: true })), 200);
    assert.equal(states().at(-1), 'LOCKED');
    assert.ok(states().length <= 3, 'the forged report was not taken');
    await driver.stop();
  });

  it('never logs or throws the API key, the JWT or the webhook bearer', async () => {
    const bearer = 'webhook-bearer-secret-2';
    const withJwt = spkDriver(base, { webhook: { listenPort: 0, bearer } });
    await withJwt.driver.start();
    emu.server.faults.failNext(1, 400, { message: `bad token ${SPK.jwtAlice} ${bearer}`, path: /OpenLock/ });
    const err = await rejectsWith(() => withJwt.driver.command('101', 'OPEN', opts()), 'invalid_input');
    const withKey = spkDriver(base, { jwt: undefined, apiKey: SPK.keyA });
    await withKey.driver.start();
    emu.failShadowUpdates(10);
    const err2 = await rejectsWith(() => withKey.driver.command('101', 'OPEN', opts()), 'vendor_unavailable');
    const text = [
      withJwt.sink.text(),
      withKey.sink.text(),
      err.message,
      err2.message,
      JSON.stringify(err),
      JSON.stringify(err2),
    ].join('\n');
    assert.ok(withJwt.sink.lines.length > 0 && withKey.sink.lines.length > 0);
    for (const secret of [SPK.jwtAlice, SPK.keyA, bearer])
      assert.ok(!text.includes(secret), 'a secret leaked');
    await withJwt.driver.stop();
  });
});
