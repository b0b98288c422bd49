/**
 * Conformance, one way: Seam's official client (@seamapi/http 1.102.0, the Node 20 line) against our
 * emulator, for the calls Lockbridge makes. If Seam's client cannot parse an answer, or its errors do
 * not come out with Seam's codes, the emulator is wrong.
 */
import assert from 'node:assert/strict';
import {
  SeamHttp,
  SeamHttpApiError,
  SeamHttpUnauthorizedError,
  SeamHttpInvalidInputError,
  isSeamActionAttemptFailedError,
} from '@seamapi/http/connect';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { startSeam, type Running } from './helpers';
import { nonConforming } from '../../vendors/seam/openapi-schema';

describe('seam emulator: conformance with @seamapi/http', () => {
  let seam: Running;
  let client: SeamHttp;
  let ids: NonNullable<Running['emulator']['demo']>;
  const wait = { waitForActionAttempt: { pollingInterval: 10, timeout: 5000 } };

  beforeEach(async () => {
    seam = await startSeam({ recordExchanges: true });
    ids = seam.emulator.demo as typeof ids;
    // Enrollment automations are an "undocumented" route for the SDK: it refuses them unless enabled.
    client = SeamHttp.fromApiKey(SEAM_EMULATOR_API_KEY, {
      endpoint: seam.url,
      axiosRetryOptions: { retries: 0 },
      isUndocumentedApiEnabled: true,
    });
  });
  afterEach(async function () {
    await seam.emulator.close();
    // Every request Seam's client sent and every answer the emulator gave, against Seam's OpenAPI document.
    if (this.currentTest?.state === 'passed') {
      this.timeout(60_000);
      assert.deepEqual(nonConforming(seam.emulator.exchanges, { requests: 'answered' }), []);
    }
  });

  it('lists and gets locks and devices', async () => {
    const locks = await client.locks.list();
    assert.equal(locks.length, 4);
    const nuki = await client.locks.get({ device_id: ids.nuki });
    assert.equal(nuki.properties.name, 'Front Door');
    assert.deepEqual(nuki.properties.supported_code_lengths, [6]);
    const devices = await client.devices.list();
    assert.equal(devices.length, 4);
    const byName = await client.devices.get({ name: 'Back Door' });
    assert.equal(byName.device_id, ids.schlage);
  });

  it('unlocks and locks through action attempts the SDK resolves', async () => {
    const unlocked = await client.locks.unlockDoor({ device_id: ids.nuki }, wait);
    assert.equal(unlocked.status, 'success');
    assert.equal((await client.locks.get({ device_id: ids.nuki })).properties.locked, false);
    const locked = await client.locks.lockDoor({ device_id: ids.nuki }, wait);
    assert.equal(locked.status, 'success');
    assert.equal((await client.locks.get({ device_id: ids.nuki })).properties.locked, true);
    const pending = await client.locks.unlockDoor({ device_id: ids.nuki }, { waitForActionAttempt: false });
    assert.equal(pending.status, 'pending');
    await assert.rejects(
      client.locks.lockDoor({ device_id: ids.offline }, wait),
      (err: unknown) => isSeamActionAttemptFailedError(err) && err.code === 'device_offline',
    );
  });

  it('creates, lists, gets, updates and deletes access codes', async () => {
    const created = await client.accessCodes.create({ device_id: ids.nuki, name: 'Guest', code: '456789' });
    assert.equal(created.status, 'setting');
    const list = await client.accessCodes.list({ device_id: ids.nuki });
    assert.deepEqual(
      list.map((c: { access_code_id: string }) => c.access_code_id),
      [created.access_code_id],
    );
    await client.accessCodes.update({ access_code_id: created.access_code_id, name: 'Renamed' }, wait);
    const got = await client.accessCodes.get({ access_code_id: created.access_code_id });
    assert.equal(got.name, 'Renamed');
    const generated = await client.accessCodes.generateCode({ device_id: ids.nuki });
    assert.equal(generated.device_id, ids.nuki);
    assert.match(String(generated.code), /^[1-9]{6}$/);
    const deleted = await client.accessCodes.delete({ access_code_id: created.access_code_id }, wait);
    assert.equal(deleted, undefined);
    // The SDK's delete does not wait for the code to leave the lock: until it has, Seam answers with
    // the code in "removing"; then with 404.
    let gone: unknown;
    for (let i = 0; i < 100 && !gone; i++) {
      try {
        const code = await client.accessCodes.get({ access_code_id: created.access_code_id });
        assert.equal(code.status, 'removing');
        await new Promise((r) => setTimeout(r, 20));
      } catch (err) {
        gone = err;
      }
    }
    assert.ok(gone instanceof SeamHttpApiError && gone.statusCode === 404, String(gone));
  });

  it('surfaces errors as Seam error classes with Seam codes', async () => {
    await client.accessCodes.create({ device_id: ids.schlage, code: '8642' });
    await assert.rejects(
      client.accessCodes.create({ device_id: ids.schlage, code: '8642' }),
      (err: unknown) => {
        return (
          err instanceof SeamHttpApiError && err.code === 'duplicate_access_code' && err.statusCode === 409
        );
      },
    );
    await assert.rejects(
      client.accessCodes.create({ device_id: ids.nuki, code: '120456' }),
      (err: unknown) => {
        return err instanceof SeamHttpApiError && err.code === 'invalid_access_code';
      },
    );
    await assert.rejects(
      client.locks.get({ device_id: 'missing' }),
      (err: unknown) => err instanceof SeamHttpApiError && err.code === 'device_not_found',
    );
    await assert.rejects(client.events.list({}), (err: unknown) => err instanceof SeamHttpInvalidInputError);
    const wrong = SeamHttp.fromApiKey('seam_wrong_key', {
      endpoint: seam.url,
      axiosRetryOptions: { retries: 0 },
    });
    await assert.rejects(wrong.locks.list(), (err: unknown) => err instanceof SeamHttpUnauthorizedError);
  });

  it('lists events and creates webhooks', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    seam.emulator.simulateManual(ids.schlage, false);
    const events = await client.events.list({ since, device_id: ids.schlage });
    assert.ok(events.some((e: { event_type: string }) => e.event_type === 'lock.unlocked'));
    const webhook = await client.webhooks.create({ url: 'http://127.0.0.1:9/hook' });
    assert.match(String(webhook.secret), /^whsec_/);
  });

  it('runs the six Salto KS steps of the document', async () => {
    const system = await client.acs.systems.get({ acs_system_id: ids.saltoSystem });
    assert.equal(system.external_type, 'salto_ks_site');
    assert.ok((await client.acs.systems.list()).length >= 2);
    const jane = await client.userIdentities.create({ email_address: 'jane@example.com' });
    const [manager] = await client.acs.systems.listCompatibleCredentialManagerAcsSystems({
      acs_system_id: system.acs_system_id,
    });
    assert.equal(manager.is_credential_manager, true);
    const automation = await client.userIdentities.enrollmentAutomations.launch({
      user_identity_id: jane.user_identity_id,
      create_credential_manager_user: true,
      credential_manager_acs_system_id: manager.acs_system_id,
    });
    assert.equal(automation.user_identity_id, jane.user_identity_id);
    const checkIn = new Date(Date.now() + 86_400_000).toISOString();
    const checkOut = new Date(Date.now() + 4 * 86_400_000).toISOString();
    const user = await client.acs.users.create({
      user_identity_id: jane.user_identity_id,
      acs_system_id: system.acs_system_id,
      full_name: '3333122-433',
      access_schedule: { starts_at: checkIn, ends_at: checkOut },
    });
    assert.ok(
      user.warnings.some((w: { warning_code: string }) => w.warning_code === 'salto_ks_user_not_subscribed'),
    );
    for (const group of [ids.accessGroups.mainEntrance, ids.accessGroups.apartment101])
      await client.acs.users.addToAccessGroup({ acs_user_id: user.acs_user_id, acs_access_group_id: group });
    const key = await client.acs.credentials.create({
      acs_user_id: user.acs_user_id,
      is_multi_phone_sync_credential: true,
      access_method: 'mobile_key',
    });
    assert.equal(key.access_method, 'mobile_key');
    assert.equal(key.acs_system_id, system.acs_system_id);
    assert.equal(key.acs_user_id, user.acs_user_id);
  });
});
