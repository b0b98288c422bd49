import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { IDS, seededUnloc } from '../../emulators/unloc/fixture';
import { unlocDriver } from './helpers';

/** The three scenarios of Unloc's "Duplicate Locks API" document, end to end over HTTP. */
describe('Unloc duplicate-locks scenarios', () => {
  let emu: UnlocEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('1. a lock shared between two lock holders of the same integrator (the garage door)', async () => {
    const { driver, pushes, storage } = unlocDriver(base, { lockHolderIds: [IDS.lh1, IDS.lh2] });
    await driver.start();
    await driver.listLocks();
    const result = await driver.shares.share(IDS.garage, {
      kind: 'duplicate',
      lockId: 'unloc_lock-garage',
      toLockHolderId: IDS.lh1,
    });
    const copyId = result.data?.duplicateLockId as string;
    assert.equal(emu.lock(copyId)?.lockHolderId, IDS.lh1);
    assert.equal(emu.lock(copyId)?.duplicatedFromLockId, IDS.garage);
    // The duplicate was made with Lock Holder 2's admin token (step 2 of the document).
    const dupCall = emu.server.requestsTo('POST', /\/duplicate\/$/)[0];
    assert.equal(dupCall.path, `/integrators/v1/lock-holders/${IDS.lh2}/locks/${IDS.garage}/duplicate/`);
    assert.deepEqual(dupCall.body, { duplicatedLockHolderId: IDS.lh1 });
    assert.deepEqual(pushes, [{ type: 'locks_changed' }]);
    // The copy is a lock of Lock Holder 1, which manages its own keys on it.
    const locks = await driver.listLocks();
    const copy = locks.find((l) => l.vendorLockId === copyId);
    assert.equal(copy?.name, 'Garage Door');
    assert.equal(copy?.model, 'Duplicated lock');
    assert.ok(copy?.capabilities.includes('keys'));
    await driver.shares.share(copyId, { kind: 'key', lockId: 'unloc_copy', toPhone: '+4790000001' });
    assert.equal([...emu.state.keys.values()][0].lockHolderId, IDS.lh1);
    const shares = await driver.shares.list(IDS.garage);
    assert.deepEqual(
      shares.map((s) => [s.kind, s.id, s.with]),
      [['duplicate', copyId, IDS.lh1]],
    );
    assert.ok(storage.files.get('unloc-duplicates.json')?.includes(copyId));
    // Deleting the duplicate removes it (and its keys) from Lock Holder 1.
    await driver.shares.share(IDS.garage, {
      kind: 'delete_duplicate',
      lockId: 'unloc_lock-garage',
      duplicateLockId: copyId,
    });
    assert.equal(emu.lock(copyId), undefined);
    assert.equal(emu.state.keys.size, 0);
    assert.deepEqual(await driver.shares.list(IDS.garage), []);
    assert.ok(!(await driver.listLocks()).some((l) => l.vendorLockId === copyId));
    await driver.stop();
  });

  it('2. a locksmith lock duplicated under the special lockHolder.duplicateLocks grant', async () => {
    const { driver } = unlocDriver(base, { lockHolderIds: [IDS.lh1], duplicateLockHolderIds: [IDS.smith] });
    await driver.start();
    const locks = await driver.listLocks();
    const salto = locks.find((l) => l.vendorLockId === IDS.salto1);
    assert.deepEqual(salto?.capabilities, ['duplicate']);
    const result = await driver.shares.share(IDS.salto1, {
      kind: 'duplicate',
      lockId: 'unloc_lock-salto-1',
      toLockHolderId: IDS.lh1,
    });
    const copyId = result.data?.duplicateLockId as string;
    assert.equal(emu.lock(copyId)?.lockHolderId, IDS.lh1);
    // Only the duplicateLocks scope was ever asked for the locksmith.
    const scopes = emu.server
      .requestsTo('POST', '/auth/v1/token/')
      .map((r) => JSON.stringify((r.body as { scope: unknown }).scope));
    assert.ok(scopes.includes(JSON.stringify([`lockHolder.duplicateLocks:${IDS.smith}`])));
    assert.ok(!scopes.some((s) => s.includes(`lockHolder.admin:${IDS.smith}`)));
    // Nothing more than get + duplicate on the locksmith's locks.
    await assert.rejects(
      () =>
        driver.shares.share(IDS.salto1, {
          kind: 'key',
          lockId: 'unloc_lock-salto-1',
          toPhone: '+4790000001',
        }),
      (err: unknown) => err instanceof LockbridgeError && err.code === 'not_supported',
    );
    await assert.rejects(
      () => driver.client.listKeys(`lockHolder.duplicateLocks:${IDS.smith}`, IDS.smith, IDS.salto1),
      (err: unknown) => err instanceof LockbridgeError && err.code === 'forbidden' && err.status === 403,
    );
    // The copy belongs to Lock Holder 1: keys there, and Lock Holder 1 can delete it.
    await driver.listLocks();
    await driver.shares.share(copyId, { kind: 'key', lockId: 'unloc_copy', toPhone: '+4790000001' });
    await driver.shares.share(IDS.salto1, {
      kind: 'delete_duplicate',
      lockId: 'unloc_lock-salto-1',
      duplicateLockId: copyId,
    });
    assert.equal(emu.lock(copyId), undefined);
    const deleteCall = emu.server.requestsTo('DELETE', /\/locks\//)[0];
    assert.equal(deleteCall.path, `/integrators/v1/lock-holders/${IDS.lh1}/locks/${copyId}/`);
    await driver.stop();
  });

  it('3. a duplicate owned by a user (phone number), which the lock holder does not manage', async () => {
    const { driver } = unlocDriver(base, { lockHolderIds: [IDS.lh1], duplicateLockHolderIds: [IDS.smith] });
    await driver.start();
    await driver.listLocks();
    const result = await driver.shares.share(IDS.salto2, {
      kind: 'duplicate',
      lockId: 'unloc_lock-salto-2',
      toPhone: '+4791234567',
    });
    const copyId = result.data?.duplicateLockId as string;
    assert.equal(emu.lock(copyId)?.ownerUserId, '+4791234567');
    assert.deepEqual(emu.server.requestsTo('POST', /\/duplicate\/$/)[0].body, {
      duplicateUserId: '+4791234567',
    });
    // The user's lock is not one of ours, and nobody here manages keys on it.
    assert.ok(!(await driver.listLocks()).some((l) => l.vendorLockId === copyId));
    const shares = await driver.shares.list(IDS.salto2);
    assert.deepEqual(
      shares.map((s) => [s.kind, s.id, s.with]),
      [['duplicate', copyId, '+4791234567']],
    );
    // Deleting needs lockHolder.admin on the locksmith, which the grant does not give: refused, untouched.
    await assert.rejects(
      () =>
        driver.shares.share(IDS.salto2, {
          kind: 'delete_duplicate',
          lockId: 'unloc_lock-salto-2',
          duplicateLockId: copyId,
        }),
      (err: unknown) => err instanceof LockbridgeError && err.code === 'forbidden',
    );
    assert.ok(emu.lock(copyId));

    // From a holder we administer, the same flow can be undone.
    const own = await driver.shares.share(IDS.officeDoor, {
      kind: 'duplicate',
      lockId: 'unloc_lock-office',
      toPhone: '+4790000002',
    });
    const ownCopy = own.data?.duplicateLockId as string;
    await driver.shares.share(IDS.officeDoor, {
      kind: 'delete_duplicate',
      lockId: 'unloc_lock-office',
      duplicateLockId: ownCopy,
    });
    assert.equal(emu.lock(ownCopy), undefined);
    assert.deepEqual(await driver.shares.list(IDS.officeDoor), []);
    await driver.stop();
  });
});
