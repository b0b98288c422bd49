import assert from 'node:assert/strict';
import { request } from 'node:http';
import { LockbridgeError } from '../../../src/core/errors';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { IDS, seededUnloc } from '../../emulators/unloc/fixture';
import { signal, unlocDriver, waitFor } from './helpers';

function tokenScopes(emu: UnlocEmulator): unknown[] {
  return emu.server.requestsTo('POST', '/auth/v1/token/').map((r) => (r.body as { scope: unknown }).scope);
}

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

describe('Unloc driver', () => {
  let emu: UnlocEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('lists the locks of every lock holder with one call per holder per cycle, caching a token per scope', async () => {
    const { driver } = unlocDriver(base, { duplicateLockHolderIds: [IDS.smith] });
    await driver.start();
    const locks = await driver.listLocks();
    assert.deepEqual(
      locks.map((l) => l.vendorLockId).sort(),
      [IDS.garage, IDS.officeDoor, IDS.salto2, IDS.salto1].sort(),
    );
    const office = locks.find((l) => l.vendorLockId === IDS.officeDoor);
    assert.deepEqual(office?.capabilities, ['duplicate', 'keys', 'battery']);
    assert.equal(office?.status.state, 'UNKNOWN');
    const salto = locks.find((l) => l.vendorLockId === IDS.salto1);
    assert.deepEqual(salto?.capabilities, ['duplicate']);
    assert.deepEqual(tokenScopes(emu), [
      'integrator.admin',
      [`lockHolder.admin:${IDS.lh1}`],
      [`lockHolder.admin:${IDS.lh2}`],
      [`lockHolder.duplicateLocks:${IDS.smith}`],
    ]);
    const before = emu.server.requests.length;
    await driver.listLocks();
    const cycle = emu.server.requests.slice(before);
    // One lock listing per holder, one key listing per administered holder (the keys count), no token.
    assert.equal(cycle.length, 5, 'one list call per lock holder, one key list per admin holder');
    assert.ok(cycle.every((r) => r.method === 'GET'));
    assert.equal(cycle.filter((r) => /\/locks\/$/.test(r.path)).length, 3);
    assert.deepEqual(
      cycle
        .filter((r) => /\/keys\/$/.test(r.path))
        .map((r) => r.path.split('/')[4])
        .sort(),
      [IDS.lh1, IDS.lh2].sort(),
    );
    await driver.stop();
  });

  it('fetches a new token once when Unloc answers "JWT expired"', async () => {
    const { driver } = unlocDriver(base);
    await driver.start();
    await driver.listLocks();
    const tokensBefore = tokenScopes(emu).length;
    emu.expireTokens();
    const locks = await driver.listLocks();
    assert.equal(locks.length, 2);
    assert.equal(tokenScopes(emu).length - tokensBefore, 2, 'one new token per scope');
    await driver.stop();
  });

  it('rejects with auth_failed on bad credentials, and skips a lock holder it may not read', async () => {
    const bad = unlocDriver(base, { clientSecret: 'wrong-secret-value' });
    await rejectsWith(() => bad.driver.start(), 'auth_failed');
    const partly = unlocDriver(base, { lockHolderIds: [IDS.lh1, IDS.other] });
    await partly.driver.start();
    const locks = await partly.driver.listLocks();
    assert.deepEqual(
      locks.map((l) => l.vendorLockId),
      [IDS.officeDoor],
    );
    assert.match(partly.sink.text(), /not managed by this integrator/);
    assert.match(partly.sink.text(), /lh-other skipped/);
  });

  it('keeps the cached locks when Unloc is down: listLocks rejects with vendor_unavailable', async () => {
    const { driver } = unlocDriver(base);
    await driver.start();
    emu.server.faults.outage(503, { path: /\/locks\/$/ });
    await rejectsWith(() => driver.listLocks(), 'vendor_unavailable');
  });

  it('has no remote lock, unlock or open: not_supported, and no request sent', async () => {
    const { driver } = unlocDriver(base);
    await driver.start();
    await driver.listLocks();
    const before = emu.server.requests.length;
    for (const command of ['LOCK', 'UNLOCK', 'OPEN'] as const)
      await rejectsWith(() => driver.command(IDS.officeDoor, command, signal()), 'not_supported');
    assert.equal(emu.server.requests.length, before);
    const status = await driver.command(IDS.officeDoor, 'STATUS', signal());
    assert.equal(status.status?.state, 'UNKNOWN');
    await rejectsWith(() => driver.getLock('no-such-lock'), 'not_found');
  });

  it('shares keys with a schedule, lists them as they turn active, and revokes them', async () => {
    const { driver } = unlocDriver(base);
    await driver.start();
    await driver.listLocks();
    const result = await driver.shares.share(IDS.officeDoor, {
      kind: 'key',
      lockId: 'unloc_lock-office',
      toPhone: '+4791234567',
      name: 'Cleaner',
      schedule: { kind: 'recurring', days: ['tu'], startMinute: 9 * 60, endMinute: 11 * 60 },
    });
    assert.equal(result.share?.state, 'creating');
    const keysOf = async () =>
      (await driver.listLocks()).find((l) => l.vendorLockId === IDS.officeDoor)?.status.keys;
    assert.equal(await keysOf(), 1, "the lock's keys count follows the holder's key listing");
    const sent = emu.server.requestsTo('POST', /\/keys\/$/)[0].body as Record<string, unknown>;
    assert.deepEqual(sent, {
      userId: '+4791234567',
      start: null,
      end: null,
      recurrence: {
        timeSpans: [{ weekday: 'tue', startHour: 9, startMinute: 0, endHour: 11, endMinute: 0 }],
      },
      metadata: { name: 'Cleaner' },
    });
    await new Promise((r) => setTimeout(r, 30));
    const shares = await driver.shares.list(IDS.officeDoor);
    assert.deepEqual(
      shares.map((s) => [s.kind, s.with, s.state]),
      [['key', '+4791234567', 'active']],
    );
    await driver.shares.share(IDS.officeDoor, {
      kind: 'revoke_key',
      lockId: 'unloc_lock-office',
      keyId: result.share?.id ?? '',
    });
    assert.deepEqual(await driver.shares.list(IDS.officeDoor), []);
    assert.equal(await keysOf(), 0);
    await rejectsWith(
      () =>
        driver.shares.share(IDS.officeDoor, {
          kind: 'revoke_key',
          lockId: 'unloc_lock-office',
          keyId: 'gone',
        }),
      'not_found',
    );
  });

  it('refuses bad share requests before calling Unloc', async () => {
    const { driver } = unlocDriver(base, { duplicateLockHolderIds: [IDS.smith] });
    await driver.start();
    await driver.listLocks();
    const before = emu.server.requests.length;
    const lockId = 'unloc_x';
    await rejectsWith(
      () => driver.shares.share(IDS.officeDoor, { kind: 'key', lockId, toPhone: '91234567' }),
      'invalid_input',
    );
    await rejectsWith(() => driver.shares.share(IDS.officeDoor, { kind: 'key', lockId }), 'invalid_input');
    await rejectsWith(
      () =>
        driver.shares.share(IDS.officeDoor, {
          kind: 'key',
          lockId,
          toPhone: '+4791234567',
          schedule: { kind: 'one_time' },
        }),
      'not_supported',
    );
    await rejectsWith(
      () => driver.shares.share(IDS.officeDoor, { kind: 'duplicate', lockId }),
      'invalid_input',
    );
    await rejectsWith(
      () => driver.shares.share(IDS.officeDoor, { kind: 'duplicate', lockId, toPhone: '12345' }),
      'invalid_input',
    );
    await rejectsWith(
      () =>
        driver.shares.share(IDS.officeDoor, {
          kind: 'duplicate',
          lockId,
          toPhone: '+4791234567',
          toLockHolderId: IDS.lh2,
        }),
      'invalid_input',
    );
    await rejectsWith(
      () =>
        driver.shares.share(IDS.officeDoor, {
          kind: 'mobile_key',
          lockId,
          email: 'a@b.c',
          start: 'x',
          end: 'y',
        }),
      'not_supported',
    );
    // Keys need lockHolder.admin: a duplicate-only lock cannot have them.
    await rejectsWith(
      () => driver.shares.share(IDS.salto1, { kind: 'key', lockId, toPhone: '+4791234567' }),
      'not_supported',
    );
    assert.equal(emu.server.requests.length, before);
  });

  it('turns key events into activity pushes, once per event, for its own locks only', async () => {
    const { driver, pushes, sink } = unlocDriver(base, {
      keyEvents: { listenHost: '127.0.0.1', listenPort: 0 },
    });
    await driver.start();
    const locks = await driver.listLocks();
    assert.ok(locks.every((l) => l.capabilities.includes('push')));
    // One webhook per administered lock, registered once.
    assert.equal(emu.state.webhooks.length, 2);
    await driver.listLocks();
    assert.equal(emu.server.requestsTo('POST', /key-events\/webhooks\/$/).length, 2);
    await driver.shares.share(IDS.officeDoor, {
      kind: 'key',
      lockId: 'unloc_lock-office',
      toPhone: '+4791234567',
      name: 'Kari',
    });
    emu.activateKeys();
    const key = [...emu.state.keys.values()][0];
    const event = await emu.useKey(key.id, { times: 2 });
    await waitFor(() => pushes.length > 0);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(pushes, [
      {
        type: 'activity',
        vendorLockId: IDS.officeDoor,
        action: { action: 'UNLOCKED', who: 'Kari', how: 'app', at: event.created },
      },
    ]);
    // Garbage and foreign events never crash the driver.
    const url = emu.state.webhooks[0].webhookUrl;
    for (const payload of [
      'not json',
      JSON.stringify({ hello: 1 }),
      JSON.stringify({ id: 'x', action: 'unlocked', lockId: 'foreign' }),
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(payload);
      });
      assert.ok(status === 200 || status === 400);
    }
    assert.equal(pushes.length, 1);
    assert.match(sink.text(), /outside this account/);
    await driver.stop();
  });

  it('never logs or throws the client secret or a token', async () => {
    const { driver, sink } = unlocDriver(base);
    await driver.start();
    await driver.listLocks();
    emu.expireTokens();
    await driver.listLocks();
    emu.server.faults.failNext(1, 400, { message: `bad ${IDS.clientSecret}`, path: /\/locks\/$/ });
    const err = await rejectsWith(() => driver.listLocks(), 'invalid_input');
    const tokens = emu.server.requests
      .map((r) => r.headers.authorization?.replace(/^Bearer /, ''))
      .filter((t): t is string => typeof t === 'string');
    assert.ok(tokens.length > 3);
    const text = `${sink.text()}\n${err.message}\n${JSON.stringify(err)}`;
    assert.ok(sink.lines.length > 0);
    for (const secret of [IDS.clientSecret, ...tokens]) assert.ok(!text.includes(secret), 'a secret leaked');
  });
});
