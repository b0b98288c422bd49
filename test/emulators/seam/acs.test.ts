import assert from 'node:assert/strict';
import type { SeamAcsUser } from '../../../src/vendors/seam/types';
import { startSeam, type Running } from './helpers';

type Err = { error: { type: string } };

describe('seam emulator: Salto KS ACS flow', () => {
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  let now = Date.parse('2030-11-01T12:00:00.000Z');
  beforeEach(async () => {
    now = Date.parse('2030-11-01T12:00:00.000Z');
    seam = await startSeam({ now: () => now });
    ids = seam.emulator.demo as typeof ids;
  });
  afterEach(() => seam.emulator.close());

  async function user(
    schedule: { starts_at: string; ends_at: string },
    identity?: string,
  ): Promise<SeamAcsUser> {
    const r = await seam.post<{ acs_user: SeamAcsUser }>('/acs/users/create', {
      acs_system_id: ids.saltoSystem,
      full_name: 'Jane',
      user_identity_id: identity,
      access_schedule: schedule,
    });
    assert.equal(r.status, 200);
    return r.data.acs_user;
  }

  it('keeps an ACS user unsubscribed until starts_at, subscribed during the stay, unsubscribed after', async () => {
    const created = await user({
      starts_at: '2030-11-01T15:00:00.000Z',
      ends_at: '2030-11-04T11:00:00.000Z',
    });
    const warning = (u: SeamAcsUser) =>
      u.warnings.some((w) => w.warning_code === 'salto_ks_user_not_subscribed');
    assert.ok(warning(created));
    const get = async () =>
      (await seam.post<{ acs_user: SeamAcsUser }>('/acs/users/get', { acs_user_id: created.acs_user_id }))
        .data.acs_user;
    now = Date.parse('2030-11-01T15:00:01.000Z');
    assert.equal(warning(await get()), false);
    now = Date.parse('2030-11-04T11:00:00.000Z');
    assert.equal(warning(await get()), true);
  });

  it('refuses a mobile key before enrollment, unknown groups and systems, and duplicate identities', async () => {
    const identity = await seam.post<{ user_identity: { user_identity_id: string } }>(
      '/user_identities/create',
      {
        email_address: 'jane@example.com',
        user_identity_key: 'jane-key',
      },
    );
    const u = await user(
      { starts_at: '2030-11-01T15:00:00.000Z', ends_at: '2030-11-04T11:00:00.000Z' },
      identity.data.user_identity.user_identity_id,
    );
    const early = await seam.post<Err>('/acs/credentials/create', {
      acs_user_id: u.acs_user_id,
      access_method: 'mobile_key',
    });
    assert.equal(early.status, 400);
    assert.equal(early.data.error.type, 'missing_credential_manager_user');
    const group = await seam.post<Err>('/acs/users/add_to_access_group', {
      acs_user_id: u.acs_user_id,
      acs_access_group_id: 'nope',
    });
    assert.equal(group.status, 404);
    const system = await seam.post<Err>('/acs/systems/get', { acs_system_id: 'nope' });
    assert.equal(system.data.error.type, 'acs_system_not_found');
    const dupKey = await seam.post<Err>('/user_identities/create', { user_identity_key: 'jane-key' });
    assert.equal(dupKey.status, 409);
    const dupMail = await seam.post<Err>('/user_identities/create', { email_address: 'JANE@example.com' });
    assert.equal(dupMail.status, 409);
    const byKey = await seam.post<{ user_identity: { acs_user_ids: string[] } }>('/user_identities/get', {
      user_identity_key: 'jane-key',
    });
    assert.deepEqual(byKey.data.user_identity.acs_user_ids, [u.acs_user_id]);
    const managers = await seam.post<{ acs_systems: Array<{ acs_system_id: string }> }>(
      '/acs/systems/list_compatible_credential_manager_acs_systems',
      { acs_system_id: ids.saltoSystem },
    );
    assert.deepEqual(
      managers.data.acs_systems.map((s) => s.acs_system_id),
      [ids.credentialManager],
    );
    const notManager = await seam.post<Err>('/user_identities/enrollment_automations/launch', {
      user_identity_id: identity.data.user_identity.user_identity_id,
      credential_manager_acs_system_id: ids.saltoSystem,
    });
    assert.equal(notManager.data.error.type, 'invalid_input');
  });
});
