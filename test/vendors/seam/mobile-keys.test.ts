import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import { MemoryStorage } from '../../../src/core/storage';
import type { ShareRequest } from '../../../src/core/model';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { startSeam, type Running } from '../../emulators/seam/helpers';
import { makeDriver, type DriverHarness } from './helpers';

const isCode = (code: string) => (err: unknown) => err instanceof LockbridgeError && err.code === code;

describe('seam driver: Salto KS mobile keys', () => {
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  let h: DriverHarness;
  let request: Extract<ShareRequest, { kind: 'mobile_key' }>;

  beforeEach(async () => {
    seam = await startSeam();
    ids = seam.emulator.demo as typeof ids;
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url });
    await h.driver.start();
    request = {
      kind: 'mobile_key',
      lockId: 'seam_lobby',
      email: 'jane@example.com',
      fullName: 'Reservation 3333122-433',
      accessGroupIds: [ids.accessGroups.mainEntrance, ids.accessGroups.apartment101],
      start: new Date(Date.now() + 86_400_000).toISOString(),
      end: new Date(Date.now() + 4 * 86_400_000).toISOString(),
    };
  });
  afterEach(async () => {
    await h.driver.stop();
    await seam.emulator.close();
  });

  const count = () => ({
    identities: seam.emulator.state.userIdentities.size,
    enrollments: seam.emulator.state.enrollments.size,
    acsUsers: seam.emulator.state.acsUsers.size,
    credentials: seam.emulator.state.credentials.size,
  });

  it('runs the six steps and reports the key as unsubscribed until check-in', async () => {
    const result = await h.driver.shares.share(ids.saltoLock, request);
    assert.equal(result.kind, 'mobile_key');
    assert.equal(result.share?.state, 'unsubscribed');
    assert.equal(result.share?.with, 'jane@example.com');
    assert.deepEqual(count(), { identities: 1, enrollments: 1, acsUsers: 1, credentials: 1 });
    const state = seam.emulator.state;
    const user = state.acsUsers.get(String(result.data?.acs_user_id));
    assert.equal(user?.acs_system_id, ids.saltoSystem);
    assert.equal(user?.access_schedule?.starts_at, request.start);
    for (const g of request.accessGroupIds ?? [])
      assert.ok(state.accessGroups.get(g)?.members.has(String(user?.acs_user_id)));
    const cred = state.credentials.get(String(result.data?.acs_credential_id));
    assert.equal(cred?.access_method, 'mobile_key');
    assert.equal(cred?.is_multi_phone_sync_credential, true);
    const paths = seam.emulator.server.requests.map((r) => r.path);
    const order = [
      '/user_identities/create',
      '/acs/systems/list_compatible_credential_manager_acs_systems',
      '/user_identities/enrollment_automations/launch',
      '/acs/users/create',
      '/acs/users/add_to_access_group',
      '/acs/credentials/create',
    ].map((p) => paths.indexOf(p));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'the six steps in the document order',
    );
    assert.ok(order.every((i) => i >= 0));
    const shares = await h.driver.shares.list(ids.saltoLock);
    assert.equal(shares.length, 1);
    assert.equal(shares[0].id, result.share?.id);
  });

  it('is safe to retry after a failure midway: no second identity, ACS user or key', async () => {
    seam.emulator.faults.failNext(1, 500, { path: /add_to_access_group/ });
    await assert.rejects(h.driver.shares.share(ids.saltoLock, request), isCode('vendor_unavailable'));
    const afterFailure = count();
    assert.equal(afterFailure.acsUsers, 1);
    const result = await h.driver.shares.share(ids.saltoLock, request);
    assert.deepEqual(count(), { identities: 1, enrollments: 1, acsUsers: 1, credentials: 1 });
    // Granted twice: same grant, nothing new.
    const again = await h.driver.shares.share(ids.saltoLock, request);
    assert.equal(again.share?.id, result.share?.id);
    assert.deepEqual(count(), { identities: 1, enrollments: 1, acsUsers: 1, credentials: 1 });
  });

  it('finds what an earlier attempt made through Seam look-ups when the journal is lost', async () => {
    await h.driver.shares.share(ids.saltoLock, request);
    const other = makeDriver(
      { apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url },
      { storage: new MemoryStorage() },
    );
    await other.driver.start();
    try {
      await other.driver.shares.share(ids.saltoLock, request);
      assert.deepEqual(count(), { identities: 1, enrollments: 1, acsUsers: 1, credentials: 1 });
      // A second stay of the same person reuses the identity, with a new ACS user and key.
      const later = {
        ...request,
        start: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        end: new Date(Date.now() + 12 * 86_400_000).toISOString(),
      };
      const second = await other.driver.shares.share(ids.saltoLock, later);
      assert.deepEqual(count(), { identities: 1, enrollments: 1, acsUsers: 2, credentials: 2 });
      assert.equal(second.share?.state, 'unsubscribed');
    } finally {
      await other.driver.stop();
    }
  });

  it('revokes a grant (credential and ACS user deleted), retry-safe', async () => {
    const result = await h.driver.shares.share(ids.saltoLock, request);
    const grantId = String(result.share?.id);
    const revoked = await h.driver.shares.share(ids.saltoLock, {
      kind: 'revoke_mobile_key',
      lockId: 'seam_lobby',
      grantId,
    });
    assert.equal(revoked.share?.state, 'revoked');
    assert.equal(seam.emulator.state.acsUsers.size, 0);
    assert.equal(seam.emulator.state.credentials.size, 0);
    assert.equal(seam.emulator.state.userIdentities.size, 1, 'the person keeps their identity');
    await h.driver.shares.share(ids.saltoLock, { kind: 'revoke_mobile_key', lockId: 'seam_lobby', grantId });
    assert.deepEqual(await h.driver.shares.list(ids.saltoLock), []);
    await assert.rejects(
      h.driver.shares.share(ids.saltoLock, {
        kind: 'revoke_mobile_key',
        lockId: 'seam_lobby',
        grantId: 'mk_000000000000000000000000',
      }),
      isCode('not_found'),
    );
  });

  it('refuses bad requests, other share kinds and locks outside a Salto KS site', async () => {
    const bad: Array<Partial<typeof request>> = [
      { email: 'not-an-email' },
      { start: 'yesterday' },
      { end: request.start },
      { accessGroupIds: [] },
      { phoneCount: 0 },
    ];
    for (const change of bad)
      await assert.rejects(
        h.driver.shares.share(ids.saltoLock, { ...request, ...change }),
        isCode('invalid_input'),
      );
    assert.equal(seam.emulator.state.userIdentities.size, 0, 'nothing was created');
    await assert.rejects(h.driver.shares.share(ids.nuki, request), isCode('not_supported'));
    await assert.rejects(
      h.driver.shares.share(ids.saltoLock, { kind: 'duplicate', lockId: 'x' }),
      isCode('not_supported'),
    );
    await assert.rejects(
      h.driver.shares.share(ids.saltoLock, { ...request, accessGroupIds: ['no-such-group'] }),
      isCode('not_found'),
    );
  });
});
