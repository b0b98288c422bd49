import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SmartphoneKeyEmulator } from '../../../src/emulators/smartphonekey';
import { SPK, seededSpk, spkCall } from './fixture';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SmartphoneKey emulator', () => {
  let emu: SmartphoneKeyEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededSpk();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  describe('auth and ownership', () => {
    it('accepts an X-API-Key or a Bearer JWT, either one, and answers 401 in the documented shape', async () => {
      assert.equal((await spkCall(base, 'GET', '/locks/101/basic-info', { apiKey: SPK.keyA })).status, 200);
      assert.equal((await spkCall(base, 'GET', '/locks/101/basic-info', { jwt: SPK.jwtAlice })).status, 200);
      // Seed 004 sends both: a valid one of the two is enough.
      assert.equal(
        (await spkCall(base, 'GET', '/locks/101/basic-info', { apiKey: 'bogus', jwt: SPK.jwtAlice })).status,
        200,
      );
      const none = await spkCall(base, 'GET', '/locks/101/basic-info');
      assert.equal(none.status, 401);
      assert.deepEqual(none.body, {
        success: false,
        error: 'Unauthorized',
        message: 'Authentication required. Please provide a valid API token',
        code: 401,
        errors: [{ code: 401, message: 'Authentication required. Please provide a valid API token' }],
      });
      assert.equal((await spkCall(base, 'GET', '/locks/101/basic-info', { jwt: 'forged' })).status, 401);
      const spoof = await spkCall(base, 'GET', '/locks/101/basic-info', {
        headers: { 'x-org-id': SPK.orgA, 'x-user-id': SPK.alice },
      });
      assert.equal(spoof.status, 401);
    });

    it("answers 403 for another organisation's lock and 404 for an unknown one", async () => {
      const other = await spkCall(base, 'POST', '/locks/201/OpenLock', {
        apiKey: SPK.keyA,
        body: { requestId: 'r1' },
      });
      assert.equal(other.status, 403);
      assert.deepEqual(other.body, {
        success: false,
        error: 'Forbidden',
        message: "You don't have permission to access this resource",
        code: 403,
        errors: [{ code: 403, message: "You don't have permission to access this resource" }],
      });
      assert.equal((await spkCall(base, 'GET', '/locks/101/details', { jwt: SPK.jwtCarol })).status, 403);
      const missing = await spkCall(base, 'POST', '/locks/999/OpenLock', { apiKey: SPK.keyA, body: {} });
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, {
        success: false,
        error: 'Not Found',
        message: 'The requested resource was not found',
        code: 404,
        errors: [{ code: 404, message: 'The requested resource was not found' }],
      });
      assert.equal((await spkCall(base, 'GET', '/locks/abc/basic-info', { apiKey: SPK.keyA })).status, 404);
      assert.equal(emu.lock(201).opens, 0);
    });

    it('lets a grantee open but not manage keys', async () => {
      const open = await spkCall(base, 'POST', '/locks/201/OpenLock', {
        jwt: SPK.jwtAlice,
        body: { requestId: 'g1' },
      });
      assert.equal(open.status, 200);
      const add = await spkCall(base, 'POST', '/locks/201/AddKey', {
        jwt: SPK.jwtAlice,
        body: { keyUuid: 'k-x' },
      });
      assert.equal(add.status, 403);
    });
  });

  describe('OpenLock', () => {
    it('returns the event envelope and drives the shadow: open, then locked', async () => {
      const res = await spkCall(base, 'POST', '/locks/101/OpenLock', {
        apiKey: SPK.keyA,
        body: { requestId: 'req-1', reason: 'guest arrived' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.equal(res.body.aggregateId, '101');
      assert.equal(typeof res.body.version, 'number');
      const event = res.body.event as { type: string; data: Record<string, unknown> };
      assert.equal(event.type, 'LockOpenRequested');
      assert.equal(event.data.lockId, 101);
      assert.equal(event.data.requestId, 'req-1');
      assert.equal(event.data.reason, 'guest arrived');
      assert.equal(event.data.uuid, emu.lock(101).uuid);
      await wait(5);
      const lock = emu.lock(101);
      // Matter DoorLock LockState (1/257/0): 3 unlatched while open, then 1 locked again.
      for (let i = 0; i < 100 && (lock.opens < 1 || lock.shadow.reported['1/257/0'] !== 1); i++)
        await wait(5);
      assert.equal(lock.opens, 1);
      assert.equal(lock.shadow.reported['1/257/0'], 1);
    });

    it('dedupes by requestId: the same request answers the same envelope and never opens twice', async () => {
      const first = await spkCall(base, 'POST', '/locks/101/OpenLock', {
        apiKey: SPK.keyA,
        body: { requestId: 'same' },
      });
      const second = await spkCall(base, 'POST', '/locks/101/OpenLock', {
        apiKey: SPK.keyA,
        body: { requestId: 'same' },
      });
      assert.deepEqual(second.body, first.body);
      await wait(20);
      assert.equal(emu.lock(101).opens, 1);
      await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: { requestId: 'other' } });
      await wait(20);
      assert.equal(emu.lock(101).opens, 2);
    });

    it('answers 502 "Failed to update device shadow" when the shadow update fails', async () => {
      emu.failShadowUpdates(1);
      const res = await spkCall(base, 'POST', '/locks/101/OpenLock', {
        apiKey: SPK.keyA,
        body: { requestId: 'r' },
      });
      assert.equal(res.status, 502);
      assert.deepEqual(res.body, {
        success: false,
        error: 'Error',
        message: 'Failed to update device shadow',
        code: 502,
        errors: [{ code: 502, message: 'Failed to update device shadow' }],
      });
      await wait(20);
      assert.equal(emu.lock(101).opens, 0);
      // A failure after the shadow was updated: the retry with the same requestId does not open again.
      emu.failShadowUpdates(1, { afterApply: true });
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: { requestId: 'x' } }))
          .status,
        502,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: { requestId: 'x' } }))
          .status,
        200,
      );
      await wait(20);
      assert.equal(emu.lock(101).opens, 1);
    });

    it('queues an open for an offline lock until it is back online', async () => {
      assert.equal(
        (await spkCall(base, 'POST', '/locks/102/OpenLock', { apiKey: SPK.keyA, body: { requestId: 'q' } }))
          .status,
        200,
      );
      await wait(20);
      assert.equal(emu.lock(102).opens, 0);
      emu.setOnline(102, true);
      await wait(20);
      assert.equal(emu.lock(102).opens, 1);
    });

    it('refuses a body that is not an object or has non-string fields', async () => {
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: { requestId: 5 } }))
          .status,
        400,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: [1] })).status,
        400,
      );
    });
  });

  describe('info, events, keys and lists', () => {
    it('serves basic-info and details', async () => {
      const info = await spkCall(base, 'GET', '/locks/101/basic-info', { apiKey: SPK.keyA });
      for (const field of [
        'id',
        'lockId',
        'uuid',
        'version',
        'serialNumber',
        'ownerId',
        'orgId',
        'organizationId',
        'doId',
        'r2Prefix',
      ])
        assert.ok(field in info.body, field);
      assert.equal(info.body.ownerId, SPK.alice);
      const details = await spkCall(base, 'GET', '/locks/101/details', { jwt: SPK.jwtAlice });
      assert.deepEqual(details.body.keys, []);
      assert.deepEqual(details.body.residents, []);
      assert.equal(typeof details.body.timestamp, 'string');
    });

    it('adds and removes keys, with KeyAdded / KeyRemoved envelopes and errors', async () => {
      const add = await spkCall(base, 'POST', '/locks/101/AddKey', {
        apiKey: SPK.keyA,
        body: { keyUuid: 'k-1', userId: SPK.bob },
      });
      assert.equal(add.status, 200);
      assert.equal((add.body.event as { type: string }).type, 'KeyAdded');
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/AddKey', { apiKey: SPK.keyA, body: { keyUuid: 'k-1' } }))
          .status,
        400,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/AddKey', { apiKey: SPK.keyA, body: {} })).status,
        400,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/AddKey', { body: { keyUuid: 'k-2' } })).status,
        401,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/999/AddKey', { apiKey: SPK.keyA, body: { keyUuid: 'k-2' } }))
          .status,
        404,
      );
      const details = await spkCall(base, 'GET', '/locks/101/details', { apiKey: SPK.keyA });
      assert.deepEqual(details.body.keys, [{ uuid: 'k-1', indexNumber: 0, userId: SPK.bob }]);
      // The key holder may now open the lock with their JWT.
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { jwt: SPK.jwtBob, body: {} })).status,
        200,
      );
      const remove = await spkCall(base, 'POST', '/locks/101/RemoveKey', {
        apiKey: SPK.keyA,
        body: { keyUuid: 'k-1' },
      });
      assert.equal((remove.body.event as { type: string }).type, 'KeyRemoved');
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/RemoveKey', { apiKey: SPK.keyA, body: { keyUuid: 'k-1' } }))
          .status,
        404,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/RemoveKey', { apiKey: SPK.keyA, body: {} })).status,
        400,
      );
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/OpenLock', { jwt: SPK.jwtBob, body: {} })).status,
        403,
      );
    });

    it('pages events, newest first', async () => {
      for (let i = 0; i < 12; i++)
        await spkCall(base, 'POST', '/locks/101/OpenLock', {
          apiKey: SPK.keyA,
          body: { requestId: `e${i}` },
        });
      const first = await spkCall(base, 'GET', '/locks/101/events', { apiKey: SPK.keyA });
      assert.equal(first.body.totalEvents, 13);
      assert.equal(first.body.totalPages, 2);
      assert.equal(first.body.pageSize, 10);
      const events = first.body.events as Array<{
        type: string;
        version: number;
        aggregateType: string;
        event: { requestId?: string };
      }>;
      assert.equal(events.length, 10);
      assert.equal(events[0].event.requestId, 'e11');
      assert.equal(events[0].aggregateType, 'Lock');
      const second = await spkCall(base, 'GET', '/locks/101/events?page=2', { apiKey: SPK.keyA });
      assert.deepEqual(
        (second.body.events as Array<{ type: string }>).map((e) => e.type).at(-1),
        'LockCreated',
      );
      assert.equal(
        (await spkCall(base, 'GET', '/locks/101/events?page=0', { apiKey: SPK.keyA })).status,
        400,
      );
    });

    it('lists owned locks with online state and accessible locks with access levels', async () => {
      const owned = await spkCall(base, 'GET', `/users/${SPK.alice}/owned-locks`, { jwt: SPK.jwtAlice });
      const locks = owned.body.locks as Array<{ lockUuid: string; online: boolean; thingName: string }>;
      assert.deepEqual(
        locks.map((l) => [l.lockUuid, l.online]),
        [
          [emu.lock(101).uuid, true],
          [emu.lock(102).uuid, false],
        ],
      );
      const accessible = await spkCall(base, 'GET', `/users/${SPK.alice}/accessible-locks`, {
        jwt: SPK.jwtAlice,
      });
      assert.equal(accessible.body.totalCount, 3);
      assert.deepEqual(
        (accessible.body.locks as Array<{ lockId: string; accessLevel: string }>).map((l) => [
          l.lockId,
          l.accessLevel,
        ]),
        [
          ['101', 'OWNER'],
          ['102', 'OWNER'],
          ['201', 'GUEST'],
        ],
      );
      // An organisation sees its own locks only; a user cannot read another user's lists.
      const org = await spkCall(base, 'GET', `/users/${SPK.alice}/accessible-locks`, { apiKey: SPK.keyA });
      assert.equal(org.body.totalCount, 2);
      assert.equal(
        (await spkCall(base, 'GET', `/users/${SPK.alice}/owned-locks`, { jwt: SPK.jwtBob })).status,
        403,
      );
      assert.equal((await spkCall(base, 'GET', `/users/${SPK.alice}/owned-locks`)).status, 401);
    });
  });

  describe('door panel open-with-pin', () => {
    it('opens with the right PIN, no credentials needed', async () => {
      const res = await spkCall(base, 'POST', '/locks/101/open-with-pin', { body: { pin: SPK.pin } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { success: true, offline: false });
      await wait(20);
      assert.equal(emu.lock(101).opens, 1);
    });

    it('validates the PIN format (4-8 digits), answers 401 "Invalid PIN", then 429 after repeated wrong PINs', async () => {
      for (const pin of ['123', '123456789', '12a4', 1234]) {
        const res = await spkCall(base, 'POST', '/locks/101/open-with-pin', { body: { pin } });
        assert.equal(res.status, 400, String(pin));
      }
      for (let i = 0; i < 3; i++) {
        const res = await spkCall(base, 'POST', '/locks/101/open-with-pin', { body: { pin: '0000' } });
        assert.equal(res.status, 401);
        assert.equal(res.body.error, 'Invalid PIN');
        assert.ok(!JSON.stringify(res.body).includes(SPK.pin));
      }
      const locked = await spkCall(base, 'POST', '/locks/101/open-with-pin', { body: { pin: SPK.pin } });
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), '60');
      assert.equal(emu.lock(101).opens, 0);
      assert.equal(
        (await spkCall(base, 'POST', '/locks/201/open-with-pin', { body: { pin: SPK.pin } })).status,
        404,
      );
    });

    it('reports offline (queued) and 503 when the panel service is down', async () => {
      emu.lock(102).panelPin = '2580';
      const offline = await spkCall(base, 'POST', '/locks/102/open-with-pin', { body: { pin: '2580' } });
      assert.deepEqual(offline.body, { success: true, offline: true });
      emu.panel.unavailable = true;
      assert.equal(
        (await spkCall(base, 'POST', '/locks/101/open-with-pin', { body: { pin: SPK.pin } })).status,
        503,
      );
    });
  });

  describe('webhooks', () => {
    let hook: Server;
    let received: Array<{ auth?: string; body: Record<string, unknown> }>;

    beforeEach(async () => {
      received = [];
      hook = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          received.push({
            auth: req.headers.authorization,
            body: JSON.parse(raw) as Record<string, unknown>,
          });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    });
    afterEach(() => new Promise<void>((r) => hook.close(() => r())));

    it('delivers EventBridge envelopes for lock events and shadow updates, with the static Bearer', async () => {
      emu.setWebhook(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, {
        bearer: 'static-bearer-1',
      });
      await spkCall(base, 'POST', '/locks/101/OpenLock', { apiKey: SPK.keyA, body: { requestId: 'w1' } });
      // Four separate HTTP deliveries: give them seconds, not half of one, on a loaded machine.
      for (let i = 0; i < 1000 && received.length < 4; i++) await wait(5);
      const types = received.map((r) => `${r.body.source as string}:${r.body['detail-type'] as string}`);
      // Each delivery is its own request, so arrival order is not guaranteed.
      assert.deepEqual(types.sort(), [
        'spk.api:LockOpenRequested',
        'spk.iot.shadow:Shadow Update',
        'spk.iot.shadow:Shadow Update',
        'spk.iot.shadow:Shadow Update',
      ]);
      assert.ok(received.every((r) => r.auth === 'Bearer static-bearer-1' && r.body.version === '0'));
      // The documented shape: state fields are stringified JSON in the Matter bridge format.
      const shadows = received
        .filter((r) => r.body.source === 'spk.iot.shadow')
        .map((r) => r.body.detail as Record<string, unknown>);
      assert.ok(shadows.every((d) => d.thingName === 'spk-lock-101'));
      assert.ok(shadows.every((d) => typeof d.reportedState === 'string' && typeof d.version === 'number'));
      const reported = shadows.map((d) => JSON.parse(d.reportedState as string) as Record<string, unknown>);
      assert.deepEqual(reported.map((r) => r['1/257/0']).sort(), [1, 1, 3]);
      assert.ok(reported.every((r) => r.available === true));
      assert.ok(
        shadows.some(
          (d) => (JSON.parse(d.desiredState as string) as Record<string, unknown>)['1/257/0'] === 3,
        ),
      );
    });
  });
});
