import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { unlocApiVersion } from '../../../src/vendors/unloc/paths';
import { validateConfig } from '../../../src/config';
import { IDS, seededUnloc } from '../../emulators/unloc/fixture';
import { unlocDriver, waitFor } from './helpers';
import { commandOptions } from '../../support/command-options';

const v2 = { apiVersion: 'v2' as const, projectIds: [IDS.lh1, IDS.lh2], lockHolderIds: undefined };

describe('Unloc API v2 (projects), the default for new accounts', () => {
  let emu: UnlocEmulator;
  let base: string;
  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('picks v2 for projectIds and keeps v1 for an existing lockHolderIds configuration', () => {
    assert.equal(unlocApiVersion({ projectIds: ['p'] }), 'v2');
    assert.equal(unlocApiVersion({}), 'v1');
    assert.equal(unlocApiVersion({ apiVersion: 'v1', projectIds: ['p'] }), 'v1');
    const account = { vendor: 'unloc', id: 'u', clientId: 'c', clientSecret: 's' };
    const ok = (extra: Record<string, unknown>) => {
      try {
        validateConfig({ accounts: [{ ...account, ...extra }] });
        return true;
      } catch (err) {
        if (err instanceof LockbridgeError && err.code === 'invalid_config') return false;
        throw err;
      }
    };
    assert.equal(ok({ projectIds: ['p'] }), true);
    assert.equal(ok({ apiVersion: 'v2', projectIds: ['p'] }), true);
    assert.equal(ok({ lockHolderIds: ['lh'] }), true);
    assert.equal(ok({ apiVersion: 'v1', lockHolderIds: ['lh'] }), true);
    assert.equal(ok({ apiVersion: 'v2', lockHolderIds: ['lh'] }), false);
    assert.equal(ok({ apiVersion: 'v1', projectIds: ['p'] }), false);
    assert.equal(ok({}), false);
  });

  it('logs in per project, lists locks, and manages keys on /v2/projects/{id} only', async () => {
    const { driver } = unlocDriver(base, v2);
    await driver.start();
    const tokens = emu.server
      .requestsTo('POST', '/v2/auth/token/')
      .map((r) => r.body as Record<string, unknown>);
    assert.deepEqual(
      tokens.map((t) => [t.scope, t.project_id, t.grant_type]),
      [
        ['project.admin', IDS.lh1, 'client_credentials'],
        ['project.admin', IDS.lh2, 'client_credentials'],
      ],
    );
    const locks = await driver.listLocks();
    assert.deepEqual(locks.map((l) => l.vendorLockId).sort(), [IDS.garage, IDS.officeDoor].sort());
    const created = await driver.shares.share(IDS.officeDoor, {
      kind: 'key',
      lockId: 'unloc_lock-office',
      toPhone: '+4791234567',
      schedule: {
        kind: 'recurring',
        days: ['sa'],
        startMinute: 14 * 60 + 45,
        endMinute: 16 * 60 + 30,
        start: '2030-01-05T00:00:00.000Z',
        end: '2031-01-05T00:00:00.000Z',
      },
    });
    // managing-keys: keys are created in bulk on the project, the person is appUserId.
    assert.deepEqual(emu.server.requestsTo('POST', `/v2/projects/${IDS.lh1}/keys`)[0].body, {
      keys: [
        {
          lockId: IDS.officeDoor,
          appUserId: '+4791234567',
          start: '2030-01-05T00:00:00.000Z',
          end: '2031-01-05T00:00:00.000Z',
          recurrence: {
            timeSpans: [{ weekday: 'sat', startHour: 14, startMinute: 45, endHour: 16, endMinute: 30 }],
          },
        },
      ],
    });
    assert.equal(created.share?.with, '+4791234567');
    emu.activateKeys();
    const shares = await driver.shares.list(IDS.officeDoor);
    assert.deepEqual(
      shares.map((s) => [s.kind, s.with, s.state]),
      [['key', '+4791234567', 'active']],
    );
    await driver.shares.share(IDS.officeDoor, {
      kind: 'revoke_key',
      lockId: 'x',
      keyId: created.share?.id ?? '',
    });
    assert.deepEqual(await driver.shares.list(IDS.officeDoor), []);
    await assert.rejects(
      driver.shares.share(IDS.officeDoor, { kind: 'duplicate', lockId: 'x', toPhone: '+4791234567' }),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'not_supported',
    );
    // One lock (the read-back of STATUS) comes from the project's documented lock list.
    assert.equal((await driver.getLock(IDS.garage)).vendorLockId, IDS.garage);
    assert.equal((await driver.command(IDS.officeDoor, 'STATUS', commandOptions())).status?.state, 'UNKNOWN');
    assert.ok(
      emu.server.requests.every((r) => r.path.startsWith('/v2/')),
      'nothing goes to the legacy Integrator API',
    );
  });

  it('registers access-event webhooks on the project and takes Access Events (appUserId)', async () => {
    const { driver, pushes } = unlocDriver(base, {
      ...v2,
      keyEvents: { listenHost: '127.0.0.1', listenPort: 0 },
    });
    await driver.start();
    await driver.listLocks();
    const hooks = emu.server.requestsTo('POST', `/v2/projects/${IDS.lh1}/webhooks`).map((r) => r.body);
    assert.deepEqual(hooks, [
      { trigger: 'accessEvent', url: emu.state.webhooks[0].webhookUrl, lockId: IDS.officeDoor },
    ]);
    await driver.shares.share(IDS.officeDoor, {
      kind: 'key',
      lockId: 'x',
      toPhone: '+4791234567',
      name: 'Kari',
    });
    emu.activateKeys();
    await emu.useKey([...emu.state.keys.values()][0].id);
    await waitFor(() => pushes.length === 1);
    assert.equal(pushes[0].type === 'activity' && pushes[0].action.who, 'Kari');
    await driver.stop();
  });
});
