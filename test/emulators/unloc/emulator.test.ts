import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { IDS, call, seededUnloc, tokenFor } from './fixture';

const V1 = '/integrators/v1';

describe('Unloc emulator', () => {
  let emu: UnlocEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  describe('tokens', () => {
    it('issues an integrator.admin token in the documented shape', async () => {
      const res = await call(base, 'POST', '/auth/v1/token/', {
        body: {
          grant_type: 'client_credentials',
          client_id: IDS.clientId,
          client_secret: IDS.clientSecret,
          scope: 'integrator.admin',
        },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.token_type, 'bearer');
      assert.equal(res.body.expires_in, 3600);
      assert.deepEqual(res.body.scope, ['integrator.admin']);
      assert.deepEqual(res.body.lock_holder_ids, []);
      assert.equal(typeof res.body.access_token, 'string');
    });

    it('lists the lock holders of lockHolder scopes', async () => {
      const res = await call(base, 'POST', '/auth/v1/token/', {
        body: {
          grant_type: 'client_credentials',
          client_id: IDS.clientId,
          client_secret: IDS.clientSecret,
          scope: [`lockHolder.admin:${IDS.lh1}`, `lockHolder.duplicateLocks:${IDS.smith}`],
        },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.lock_holder_ids, [IDS.lh1, IDS.smith]);
    });

    it('refuses bad credentials, grant types and scopes', async () => {
      const ask = (body: Record<string, unknown>) =>
        call(base, 'POST', '/auth/v1/token/', {
          body: {
            grant_type: 'client_credentials',
            client_id: IDS.clientId,
            client_secret: IDS.clientSecret,
            ...body,
          },
        });
      const wrongSecret = await ask({ client_secret: 'nope', scope: 'integrator.admin' });
      assert.equal(wrongSecret.status, 401);
      assert.equal(wrongSecret.body.error, 'invalid_client');
      assert.equal((await ask({ grant_type: 'password', scope: 'integrator.admin' })).status, 400);
      assert.equal((await ask({ scope: 'superuser' })).status, 400);
      assert.equal((await ask({})).status, 400);
      // Administering a holder we do not manage, or duplicating without Unloc's grant: 403.
      assert.equal((await ask({ scope: [`lockHolder.admin:${IDS.smith}`] })).status, 403);
      assert.equal((await ask({ scope: [`lockHolder.admin:${IDS.other}`] })).status, 403);
      assert.equal((await ask({ scope: [`lockHolder.duplicateLocks:${IDS.other}`] })).status, 403);
    });

    it('answers 401 "JWT expired" once tokens expire, and 401 without or with a bad token', async () => {
      const token = await tokenFor(base, 'integrator.admin');
      assert.equal((await call(base, 'GET', `${V1}/lock-holders/`, { token })).status, 200);
      emu.expireTokens();
      const expired = await call(base, 'GET', `${V1}/lock-holders/`, { token });
      assert.equal(expired.status, 401);
      assert.deepEqual(expired.body, { error: 'JsonWebTokenError', errorDescription: 'JWT expired' });
      assert.equal((await call(base, 'GET', `${V1}/lock-holders/`)).status, 401);
      assert.equal((await call(base, 'GET', `${V1}/lock-holders/`, { token: 'forged' })).status, 401);
    });
  });

  describe('lock holders', () => {
    it('lists managed holders with integrator.admin, one with lockHolder.admin, none with duplicateLocks', async () => {
      const integrator = await tokenFor(base, 'integrator.admin');
      const all = await call(base, 'GET', `${V1}/lock-holders/`, { token: integrator });
      const ids = (all.body['lock-holders'] as Array<{ id: string }>).map((h) => h.id);
      assert.deepEqual(ids, [IDS.lh1, IDS.lh2]);
      const admin = await tokenFor(base, [`lockHolder.admin:${IDS.lh2}`]);
      const one = await call(base, 'GET', `${V1}/lock-holders/`, { token: admin });
      assert.deepEqual(
        (one.body['lock-holders'] as Array<{ id: string }>).map((h) => h.id),
        [IDS.lh2],
      );
      const dup = await tokenFor(base, [`lockHolder.duplicateLocks:${IDS.smith}`]);
      assert.equal((await call(base, 'GET', `${V1}/lock-holders/`, { token: dup })).status, 403);
    });

    it('creates a lock holder with integrator.admin only, validating its fields', async () => {
      const integrator = await tokenFor(base, 'integrator.admin');
      const body = {
        name: 'New Co',
        countryIso: 'NO',
        organizationId: '955555555',
        createVendorAccount: true,
      };
      const created = await call(base, 'POST', `${V1}/lock-holders/`, { token: integrator, body });
      assert.equal(created.status, 201);
      const holder = created.body.lockHolder as { id: string; activeInstallerInviteCodes: string[] };
      assert.equal(holder.activeInstallerInviteCodes.length, 1);
      const list = await call(base, 'GET', `${V1}/lock-holders/`, { token: integrator });
      assert.ok((list.body['lock-holders'] as Array<{ id: string }>).some((h) => h.id === holder.id));
      assert.equal(
        (await call(base, 'POST', `${V1}/lock-holders/`, { token: integrator, body })).status,
        409,
      );
      const bad = await call(base, 'POST', `${V1}/lock-holders/`, {
        token: integrator,
        body: { ...body, countryIso: 'Norway' },
      });
      assert.equal(bad.status, 400);
      const admin = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      assert.equal(
        (
          await call(base, 'POST', `${V1}/lock-holders/`, {
            token: admin,
            body: { ...body, organizationId: '1' },
          })
        ).status,
        403,
      );
    });
  });

  describe('scope enforcement on locks, keys, roles and webhooks', () => {
    it('lockHolder.admin covers its own holder only', async () => {
      const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh2}`]);
      const locks = await call(base, 'GET', `${V1}/lock-holders/${IDS.lh2}/locks/`, { token });
      assert.equal(locks.status, 200);
      assert.deepEqual(
        (locks.body.locks as Array<{ id: string }>).map((l) => l.id),
        [IDS.garage],
      );
      assert.equal((await call(base, 'GET', `${V1}/lock-holders/${IDS.lh1}/locks/`, { token })).status, 403);
      assert.equal(
        (await call(base, 'GET', `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/`, { token })).status,
        403,
      );
      // The right holder but a lock of another holder: not found.
      assert.equal(
        (await call(base, 'GET', `${V1}/lock-holders/${IDS.lh2}/locks/${IDS.officeDoor}/`, { token })).status,
        404,
      );
      const integrator = await tokenFor(base, 'integrator.admin');
      assert.equal(
        (await call(base, 'GET', `${V1}/lock-holders/${IDS.lh2}/locks/`, { token: integrator })).status,
        403,
      );
    });

    it('lockHolder.duplicateLocks may list, get and duplicate, and nothing else', async () => {
      const token = await tokenFor(base, [`lockHolder.duplicateLocks:${IDS.smith}`]);
      const lh = `${V1}/lock-holders/${IDS.smith}`;
      assert.equal((await call(base, 'GET', `${lh}/locks/`, { token })).status, 200);
      assert.equal((await call(base, 'GET', `${lh}/locks/${IDS.salto1}/`, { token })).status, 200);
      const forbidden: Array<[string, string, unknown?]> = [
        ['GET', `${lh}/locks/${IDS.salto1}/keys/`],
        ['POST', `${lh}/locks/${IDS.salto1}/keys/`, { userId: '+4791234567', start: null, end: null }],
        ['DELETE', `${lh}/locks/${IDS.salto1}/keys/some-key/`],
        ['GET', `${lh}/keys/`],
        ['GET', `${lh}/locks/${IDS.salto1}/roles/`],
        ['PUT', `${lh}/locks/${IDS.salto1}/roles/%2B4791234567/`, { userName: 'A', canShare: false }],
        ['POST', `${lh}/locks/${IDS.salto1}/key-events/webhooks/`, { webhookUrl: 'http://127.0.0.1:9/x' }],
        ['DELETE', `${lh}/locks/${IDS.salto1}/`],
        ['GET', `${V1}/lock-holders/`],
        ['POST', `${V1}/lock-holders/`, { name: 'x', countryIso: 'NO', organizationId: '1' }],
        ['GET', `${V1}/lock-holders/${IDS.lh1}/locks/`],
      ];
      for (const [method, path, body] of forbidden) {
        const res = await call(base, method, path, { token, body });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.error, 'Forbidden');
      }
    });
  });

  describe('duplicating locks', () => {
    it('duplicates to a managed lock holder and the copy is listed there', async () => {
      const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh2}`]);
      const res = await call(base, 'POST', `${V1}/lock-holders/${IDS.lh2}/locks/${IDS.garage}/duplicate/`, {
        token,
        body: { duplicatedLockHolderId: IDS.lh1 },
      });
      assert.equal(res.status, 201);
      const copy = res.body.lock as { id: string; name: string; duplicatedFromLockId: string };
      assert.equal(copy.name, 'Garage Door');
      assert.equal(copy.duplicatedFromLockId, IDS.garage);
      const lh1 = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const list = await call(base, 'GET', `${V1}/lock-holders/${IDS.lh1}/locks/`, { token: lh1 });
      assert.ok((list.body.locks as Array<{ id: string }>).some((l) => l.id === copy.id));
      // The same owner twice is a conflict.
      const again = await call(base, 'POST', `${V1}/lock-holders/${IDS.lh2}/locks/${IDS.garage}/duplicate/`, {
        token,
        body: { duplicatedLockHolderId: IDS.lh1 },
      });
      assert.equal(again.status, 409);
    });

    it('validates the target', async () => {
      const token = await tokenFor(base, [`lockHolder.duplicateLocks:${IDS.smith}`]);
      const path = `${V1}/lock-holders/${IDS.smith}/locks/${IDS.salto1}/duplicate/`;
      const cases: Array<[unknown, number]> = [
        [{}, 400],
        [{ duplicatedLockHolderId: IDS.lh1, duplicateUserId: '+4791234567' }, 400],
        [{ duplicateUserId: '91234567' }, 400],
        [{ duplicateUserId: '+0123' }, 400],
        [{ duplicatedLockHolderId: 'nobody' }, 404],
        // A holder of another integrator cannot become the owner.
        [{ duplicatedLockHolderId: IDS.other }, 403],
        [{ duplicatedLockHolderId: IDS.smith }, 403],
      ];
      for (const [body, status] of cases)
        assert.equal((await call(base, 'POST', path, { token, body })).status, status, JSON.stringify(body));
      const self = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const own = await call(
        base,
        'POST',
        `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/duplicate/`,
        {
          token: self,
          body: { duplicatedLockHolderId: IDS.lh1 },
        },
      );
      assert.equal(own.status, 400);
      assert.equal(emu.duplicatesOf(IDS.salto1).length, 0);
    });

    it('duplicates to a user by phone, and deletes duplicates but never originals', async () => {
      const admin = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const res = await call(
        base,
        'POST',
        `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/duplicate/`,
        {
          token: admin,
          body: { duplicateUserId: '+4791234567' },
        },
      );
      assert.equal(res.status, 201);
      const copy = res.body.lock as { id: string; ownerUserId: string };
      assert.equal(copy.ownerUserId, '+4791234567');
      assert.equal(emu.lock(copy.id)?.lockHolderId, undefined);
      const original = await call(base, 'DELETE', `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/`, {
        token: admin,
      });
      assert.equal(original.status, 400);
      // Another holder's admin cannot delete it.
      const lh2 = await tokenFor(base, [`lockHolder.admin:${IDS.lh2}`]);
      assert.equal(
        (await call(base, 'DELETE', `${V1}/lock-holders/${IDS.lh2}/locks/${copy.id}/`, { token: lh2 }))
          .status,
        404,
      );
      assert.equal(
        (await call(base, 'DELETE', `${V1}/lock-holders/${IDS.lh1}/locks/${copy.id}/`, { token: lh2 }))
          .status,
        403,
      );
      assert.equal(
        (await call(base, 'DELETE', `${V1}/lock-holders/${IDS.lh1}/locks/${copy.id}/`, { token: admin }))
          .status,
        204,
      );
      assert.equal(emu.lock(copy.id), undefined);
      assert.equal(
        (await call(base, 'DELETE', `${V1}/lock-holders/${IDS.lh1}/locks/${copy.id}/`, { token: admin }))
          .status,
        404,
      );
    });
  });

  describe('keys, roles and key events', () => {
    const keysPath = `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/keys/`;

    it('creates keys asynchronously (creating -> active), lists and revokes them', async () => {
      const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const body = {
        userId: '+4791234567',
        start: '2030-01-01T08:00:00.000Z',
        end: '2030-02-01T08:00:00.000Z',
        recurrence: {
          timeSpans: [{ weekday: 'mon', startHour: 8, startMinute: 0, endHour: 9, endMinute: 0 }],
        },
        durationMinutes: 60,
      };
      const created = await call(base, 'POST', keysPath, { token, body });
      assert.equal(created.status, 201);
      assert.equal(created.body.state, 'creating');
      assert.deepEqual(created.body.recurrence, body.recurrence);
      assert.deepEqual(created.body.toUser, { id: '+4791234567', imageUrl: null });
      await new Promise((r) => setTimeout(r, 30));
      const list = await call(base, 'GET', keysPath, { token });
      const keys = list.body.keys as Array<{ id: string; state: string }>;
      assert.deepEqual(
        keys.map((k) => [k.id, k.state]),
        [[created.body.id, 'active']],
      );
      const holderKeys = await call(base, 'GET', `${V1}/lock-holders/${IDS.lh1}/keys/`, { token });
      assert.equal((holderKeys.body.keys as unknown[]).length, 1);
      assert.equal(
        (await call(base, 'DELETE', `${keysPath}${created.body.id as string}/`, { token })).status,
        204,
      );
      assert.equal(
        (await call(base, 'DELETE', `${keysPath}${created.body.id as string}/`, { token })).status,
        404,
      );
      assert.deepEqual((await call(base, 'GET', keysPath, { token })).body.keys, []);
    });

    it('validates key input', async () => {
      const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const bad: unknown[] = [
        { userId: 'bob', start: null, end: null },
        { userId: '+4791234567', start: 'yesterday', end: null },
        { userId: '+4791234567', start: '2030-02-01T00:00:00Z', end: '2030-01-01T00:00:00Z' },
        { userId: '+4791234567', start: null, end: null, durationMinutes: -5 },
        { userId: '+4791234567', start: null, end: null, recurrence: 7 },
        // An RRULE string is not Unloc's recurrence; neither is a span that ends before it starts.
        { userId: '+4791234567', start: null, end: null, recurrence: 'FREQ=WEEKLY;BYDAY=MO' },
        {
          userId: '+4791234567',
          start: null,
          end: null,
          recurrence: {
            timeSpans: [{ weekday: 'mon', startHour: 9, startMinute: 0, endHour: 8, endMinute: 0 }],
          },
        },
        {
          userId: '+4791234567',
          start: null,
          end: null,
          recurrence: {
            timeSpans: [{ weekday: 'monday', startHour: 8, startMinute: 0, endHour: 9, endMinute: 0 }],
          },
        },
      ];
      for (const body of bad) {
        const res = await call(base, 'POST', keysPath, { token, body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error, 'ValidationError');
      }
    });

    it('keeps roles per lock', async () => {
      const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
      const rolePath = `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/roles/`;
      const put = await call(base, 'PUT', `${rolePath}%2B4791234567/`, {
        token,
        body: { userName: 'Kari', canShare: true },
      });
      assert.equal(put.status, 200);
      assert.equal((put.body.role as { canShare: boolean }).canShare, true);
      const roles = await call(base, 'GET', rolePath, { token });
      assert.deepEqual(
        (roles.body.roles as Array<{ userId: string }>).map((r) => r.userId),
        ['+4791234567'],
      );
      assert.equal(
        (await call(base, 'PUT', `${rolePath}%2B4791234567/`, { token, body: { canShare: 'yes' } })).status,
        400,
      );
      assert.equal(
        (await call(base, 'PUT', `${rolePath}kari/`, { token, body: { userName: 'K', canShare: false } }))
          .status,
        400,
      );
    });

    it('posts key events to registered webhooks', async () => {
      const received: unknown[] = [];
      const hook: Server = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          received.push(JSON.parse(raw));
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
        const token = await tokenFor(base, [`lockHolder.admin:${IDS.lh1}`]);
        const wh = await call(
          base,
          'POST',
          `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/key-events/webhooks/`,
          {
            token,
            body: { webhookUrl: url },
          },
        );
        assert.equal(wh.status, 201);
        const bad = await call(
          base,
          'POST',
          `${V1}/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/key-events/webhooks/`,
          {
            token,
            body: { webhookUrl: 'ftp://x' },
          },
        );
        assert.equal(bad.status, 400);
        // The key must still be `creating` when we try it: a 5 ms activation timer can fire before our
        // next call on a loaded machine, so hold activation back and activate by hand below.
        emu.keyActivationDelayMs = 60_000;
        const key = await call(base, 'POST', keysPath, {
          token,
          body: { userId: '+4791234567', start: null, end: null, metadata: { name: 'Kari' } },
        });
        await assert.rejects(() => emu.useKey(key.body.id as string), /creating/);
        emu.activateKeys();
        const event = await emu.useKey(key.body.id as string);
        assert.deepEqual(received, [event]);
        assert.equal(event.action, 'unlocked');
        assert.equal(event.userName, 'Kari');
        assert.equal(event.lockName, 'Office Door');
        assert.equal(emu.deliveries[0].status, 200);
      } finally {
        await new Promise<void>((r) => hook.close(() => r()));
      }
    });
  });

  describe('faults', () => {
    it('renders injected faults in the Unloc error shape, with Retry-After on 429', async () => {
      const token = await tokenFor(base, 'integrator.admin');
      emu.server.faults.failNext(1, 503, { path: /lock-holders/ });
      const down = await call(base, 'GET', `${V1}/lock-holders/`, { token });
      assert.equal(down.status, 503);
      assert.equal(down.body.errorDescription, 'Injected fault');
      emu.server.faults.rateLimit(1, 2, { path: /lock-holders/ });
      const res = await fetch(`${base}${V1}/lock-holders/`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.equal(((await res.json()) as { error: string }).error, 'TooManyRequests');
    });
  });
});
