import assert from 'node:assert/strict';
import PubNub from 'pubnub';
import { io, type Socket } from 'socket.io-client';
import type { AugustEmulator } from '../../../src/emulators/august/server';
import type { DemoHousehold } from '../../../src/emulators/august/seed';
import { DEMO_ACCOUNT, DEMO_TWO_FACTOR } from '../../../src/emulators/august/seed';
import { RawClient, startEmulator, until, webhookReceiver } from './helpers';

type Obj = Record<string, unknown>;
const obj = (v: unknown) => v as Obj;

describe('august emulator', () => {
  let emu: AugustEmulator;
  let home: DemoHousehold;
  let owner: RawClient;
  let guest: RawClient;

  beforeEach(async () => {
    ({ emu, home } = await startEmulator());
    owner = new RawClient(emu);
    await owner.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
    guest = new RawClient(emu);
    await guest.login('guest@lockbridge.test', 'guest-pass');
  });
  afterEach(() => emu.close());

  describe('auth', () => {
    it('logs in: token in x-august-access-token, body says the install is validated', async () => {
      const c = new RawClient(emu);
      const res = await c.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
      assert.equal(res.status, 200);
      assert.ok(c.token && c.token.split('.').length === 3);
      assert.equal(obj(res.body).vInstallId, true);
      assert.equal(obj(res.body).userId, home.owner.userId);
      assert.ok(Date.parse(String(obj(res.body).expiresAt)) > Date.now());
    });

    it('wrong password: 200 with vPassword false and a token that opens nothing; 401 for an unknown account or a missing or wrong API key; 403 for the wrong brand', async () => {
      const bad = new RawClient(emu);
      const badLogin = await bad.login(DEMO_ACCOUNT.email, 'nope');
      assert.equal(badLogin.status, 200);
      assert.equal(obj(badLogin.body).vPassword, false);
      assert.equal(obj(badLogin.body).vInstallId, false);
      assert.ok(bad.token, 'a token comes back (yalexs reads the header unconditionally)');
      assert.equal((await bad.call('GET', '/users/locks/mine')).status, 401);
      assert.equal((await new RawClient(emu).login('nobody@lockbridge.test', 'nope')).status, 401);
      const noKey = await fetch(`${emu.url}/users/locks/mine`, {
        headers: { 'x-august-access-token': owner.token! },
      });
      assert.equal(noKey.status, 401);
      assert.equal(
        (await owner.call('GET', '/users/locks/mine', undefined, { 'x-august-api-key': 'other' })).status,
        401,
      );
      const yale = new RawClient(emu, 'august', 'yale');
      assert.equal((await yale.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password)).status, 403);
      yale.token = owner.token;
      assert.equal((await yale.call('GET', '/users/locks/mine')).status, 403);
      assert.equal((await owner.call('POST', '/session', { identifier: 'x' })).status, 400);
    });

    it('an expired token gives 401; an aged token is replaced in the answer header', async () => {
      emu.expireTokens();
      const res = await owner.call('GET', '/users/locks/mine');
      assert.equal(res.status, 401);
      assert.equal(obj(res.body).message, 'Token expired');
      const { emu: aging } = await startEmulator({ tokenRefreshAfterMs: 0 });
      try {
        const c = new RawClient(aging);
        await c.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
        const fresh = (await c.call('GET', '/users/houses/mine')).headers.get('x-august-access-token');
        assert.ok(fresh && fresh !== c.token);
      } finally {
        await aging.close();
      }
    });

    it('two-factor: unvalidated install is refused until the code is validated', async () => {
      const c = new RawClient(emu);
      const login = await c.login(DEMO_TWO_FACTOR.email, DEMO_TWO_FACTOR.password, 'new-install');
      assert.equal(obj(login.body).vInstallId, false);
      assert.equal((await c.call('GET', '/users/locks/mine')).status, 401);
      assert.equal((await c.call('POST', '/validation/email', { value: 'someone@else' })).status, 400);
      assert.equal((await c.call('POST', '/validation/email', { value: DEMO_TWO_FACTOR.email })).status, 200);
      assert.equal(
        (await c.call('POST', '/validate/email', { code: '000000', email: DEMO_TWO_FACTOR.email })).status,
        400,
      );
      assert.equal(
        (
          await c.call('POST', '/validate/email', {
            code: DEMO_TWO_FACTOR.code,
            email: DEMO_TWO_FACTOR.email,
          })
        ).status,
        200,
      );
      assert.equal((await c.call('GET', '/users/locks/mine')).status, 200);
      assert.equal(
        obj((await c.login(DEMO_TWO_FACTOR.email, DEMO_TWO_FACTOR.password, 'new-install')).body).vInstallId,
        true,
      );
      assert.equal(
        obj((await c.login(DEMO_TWO_FACTOR.email, DEMO_TWO_FACTOR.password, 'other')).body).vInstallId,
        false,
      );
    });

    it('logout ends the install’s tokens; partner sub-users get their own token', async () => {
      const sub = await owner.call('POST', '/partners/sub-user', {
        partnerUserID: 'p-1',
        firstName: 'Pat',
        lastName: 'Partner',
      });
      assert.equal(obj(sub.body).userCreated, true);
      const again = await owner.call('POST', '/partners/sub-user', {
        partnerUserID: 'p-1',
        firstName: 'Pat',
        lastName: 'Partner',
      });
      assert.equal(obj(again.body).userCreated, false);
      assert.equal(obj(again.body).userID, obj(sub.body).userID);
      const pat = new RawClient(emu);
      pat.token = String(obj(sub.body).access_token);
      assert.deepEqual((await pat.call('GET', '/users/locks/mine')).body, {});
      assert.equal((await owner.call('POST', '/partners/sub-user', { partnerUserID: 'p-2' })).status, 400);

      const out = await owner.call('POST', '/session/logout', { apnsDeviceID: 'd', installID: 'install-1' });
      assert.equal(out.status, 200);
      assert.equal(out.body, null);
      assert.equal((await owner.call('GET', '/users/locks/mine')).status, 401);
    });

    it('the aaecosystem family wants x-api-key / x-access-token / x-branding', async () => {
      const { emu: yaleEmu } = await startEmulator({ family: 'aaecosystem', passwordLogin: true }, 'yale');
      try {
        const wrong = new RawClient(yaleEmu, 'august', 'yale');
        assert.equal((await wrong.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password)).status, 401);
        const right = new RawClient(yaleEmu, 'aaecosystem');
        const res = await right.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
        assert.equal(res.status, 200);
        assert.ok(res.headers.get('x-access-token'));
        const locks = await right.call('GET', '/users/locks/mine');
        assert.equal(locks.status, 200);
        assert.ok(locks.headers.get('x-access-token'));
        const august = new RawClient(yaleEmu, 'aaecosystem', 'august');
        assert.equal((await august.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password)).status, 403);
      } finally {
        await yaleEmu.close();
      }
    });
  });

  describe('locks and houses', () => {
    it('lists my locks and houses', async () => {
      const mine = obj((await owner.call('GET', '/users/locks/mine')).body);
      assert.equal(Object.keys(mine).length, 5);
      assert.deepEqual(
        Object.values(mine)
          .map((l) => obj(l).LockName)
          .sort(),
        ['Apartment', 'Back Door', 'Front Door', 'Garage Door', 'Shed'],
      );
      assert.equal(obj(mine[home.frontDoor.LockID]).UserType, 'superuser');
      const houses = (await owner.call('GET', '/users/houses/mine')).body as Obj[];
      assert.equal(houses.length, 1);
      assert.equal((await owner.call('GET', `/users/houses/mine?houseID=other`)).body instanceof Array, true);
      const house = obj((await owner.call('GET', `/houses/${String(houses[0].HouseID)}`)).body);
      assert.equal((house.locks as string[]).length, 5);
      assert.ok((house.users as string[]).includes(home.guest.userId));
      assert.equal((await owner.call('GET', '/houses/nope')).status, 404);
      const stranger = new RawClient(emu);
      emu.seedUser({ email: 's@x.test', password: 'pw-stranger' });
      await stranger.login('s@x.test', 'pw-stranger');
      assert.equal((await stranger.call('GET', `/houses/${String(houses[0].HouseID)}`)).status, 403);
      assert.equal((await stranger.call('GET', `/locks/${home.frontDoor.LockID}`)).status, 403);
    });

    it('gets a lock (v1 and v2 shapes), its status; checks the lock id', async () => {
      const detail = obj((await owner.call('GET', `/locks/${home.frontDoor.LockID}`)).body);
      assert.equal(detail.LockName, 'Front Door');
      assert.deepEqual(Object.keys(obj(detail.LockStatus)).sort(), [
        'dateTime',
        'doorState',
        'isLockStatusChanged',
        'status',
        'valid',
      ]);
      assert.equal(obj(detail.LockStatus).doorState, 'closed');
      assert.equal(obj(obj(detail.Bridge).status).current, 'online');
      assert.equal(obj(detail.keypad).batteryLevel, 'Medium');
      assert.equal(typeof detail.pubsubChannel, 'string');
      assert.equal(typeof detail.currentFirmwareVersion, 'string');
      const v2 = obj(
        (await owner.call('GET', `/locks/${home.frontDoor.LockID}`, undefined, { 'accept-version': '2.0.0' }))
          .body,
      );
      assert.equal(typeof v2.currentFirmwareVersion, 'object');
      const status = obj((await owner.call('GET', `/locks/${home.shed.LockID}/status`)).body);
      assert.equal(status.status, 'jammed');
      const garage = obj((await owner.call('GET', `/locks/${home.garage.LockID}`)).body);
      assert.equal(obj(obj(garage.Bridge).status).current, 'offline');
      assert.equal((await owner.call('GET', '/locks/not-a-lock-id')).status, 400);
      assert.equal((await owner.call('GET', `/locks/${'A'.repeat(32)}`)).status, 404);
    });

    it('capabilities of a lock (keypad PIN lengths)', async () => {
      const caps = obj(
        (await owner.call('GET', `/devices/capabilities?deviceType=lock&deviceID=${home.backDoor.LockID}`))
          .body,
      );
      assert.equal(obj(caps.keypad).pinLengthMax, 8);
      assert.equal(obj(caps.keypad).supportsPinCodes, true);
      const bySerial = obj(
        (await owner.call('GET', `/devices/capabilities?serialNumber=${home.apartment.SerialNumber}`)).body,
      );
      assert.equal(bySerial.keypad, undefined);
      // yalexs's form: ?serialNumber=<lock id>&topLevelHost=true; it reads lock.unlatch and the slot range.
      const yalexsForm = obj(
        (
          await owner.call(
            'GET',
            `/devices/capabilities?serialNumber=${home.apartment.LockID}&topLevelHost=true`,
          )
        ).body,
      );
      assert.equal(obj(yalexsForm.lock).unlatch, true);
      assert.equal(obj(caps.lock).unlatch, false);
      assert.equal(obj(caps.lock).pinSlotMin, 1);
      assert.equal(obj(caps.lock).pinSlotMax, 240);
      assert.equal((await owner.call('GET', '/devices/capabilities')).status, 400);
      assert.equal((await owner.call('GET', `/devices/capabilities?deviceID=${'B'.repeat(32)}`)).status, 404);
    });

    it('deletes a lock: soft keeps it with the caller only, hard removes it; only a superuser', async () => {
      await owner.call('POST', `/locks/${home.frontDoor.LockID}/pins`, {
        commands: [{ action: 'load', pin: '1357', firstName: 'A' }],
      });
      assert.equal((await guest.call('DELETE', `/locks/${home.frontDoor.LockID}?soft=1`)).status, 403);
      assert.equal((await owner.call('DELETE', `/locks/${home.frontDoor.LockID}?soft=2`)).status, 400);
      const soft = await owner.call('DELETE', `/locks/${home.frontDoor.LockID}?soft=1`);
      assert.deepEqual(soft.body, { message: 'success' });
      assert.deepEqual([...home.frontDoor.users.keys()], [home.owner.userId]);
      assert.equal(emu.lock(home.frontDoor.LockID).pins.length, 0);
      assert.equal((await owner.call('DELETE', `/locks/${home.backDoor.LockID}?soft=0`)).status, 200);
      assert.equal((await owner.call('GET', `/locks/${home.backDoor.LockID}`)).status, 404);
    });
  });

  describe('remote operate', () => {
    const op = (
      c: RawClient,
      lockId: string,
      cmd: string,
      query = '',
      body?: unknown,
      headers?: Record<string, string>,
    ) => c.call('PUT', `/remoteoperate/${lockId}/${cmd}${query}`, body, headers);

    it('v1 sync lock/unlock answer with the result; v2 (accept-version 2.0.0) too', async () => {
      const unlock = await op(guest, home.frontDoor.LockID, 'unlock');
      assert.equal(unlock.status, 200);
      const b = obj(unlock.body);
      assert.equal(b.status, 'kAugLockState_Unlocked');
      assert.equal(b.doorState, 'kAugDoorState_Closed');
      assert.equal(obj(b.info).lockType, 'lock_version_2');
      assert.equal(obj(b.info).action, 'unlock');
      assert.equal(emu.lock(home.frontDoor.LockID).bolt, 'unlocked');
      const v2 = await op(owner, home.frontDoor.LockID, 'lock', '', undefined, { 'accept-version': '2.0.0' });
      assert.equal(obj(v2.body).status, 'kAugLockState_Locked');
      assert.equal(obj(v2.body).doorState, 'kAugDoorState_Closed');
      const noSense = obj((await op(owner, home.backDoor.LockID, 'status')).body);
      assert.equal(noSense.doorState, undefined);
      for (const cmd of ['reboot', 'rebootLock', 'telemetry', 'calibrate', 'disablehomekit', 'ota'])
        assert.equal((await op(owner, home.backDoor.LockID, cmd)).status, 200, cmd);
      assert.equal(
        obj((await op(owner, home.backDoor.LockID, 'secure')).body).status,
        'kAugLockState_SecureMode',
      );
    });

    it('async answers 202 and delivers the result to the webhook', async () => {
      const hook = await webhookReceiver();
      try {
        const res = await op(owner, home.frontDoor.LockID, 'unlock', '?type=async', { webhook: hook.url });
        assert.equal(res.status, 202);
        await until(() => hook.received.length === 1, 'webhook');
        assert.equal(obj(hook.received[0]).status, 'kAugLockState_Unlocked');
      } finally {
        await hook.close();
      }
    });

    it('unlatch only on Type 17; commands outside the enum 501; bad query 400; extendedfunction', async () => {
      assert.equal((await op(owner, home.frontDoor.LockID, 'unlatch')).status, 501);
      assert.equal((await op(owner, home.frontDoor.LockID, 'open')).status, 501);
      const unlatch = await op(owner, home.apartment.LockID, 'unlatch');
      assert.equal(obj(unlatch.body).status, 'kAugLockState_Unlatched');
      await until(() => emu.lock(home.apartment.LockID).bolt === 'unlocked', 'unlatch to end');
      assert.equal((await op(owner, home.frontDoor.LockID, 'lock', '?retryLimit=9')).status, 400);
      assert.equal((await op(owner, home.frontDoor.LockID, 'lock', '?type=later')).status, 400);
      assert.equal((await op(owner, home.frontDoor.LockID, 'lock', '?notificationType=sms')).status, 400);
      assert.equal((await op(owner, home.frontDoor.LockID, 'extendedfunction')).status, 400);
      const ext = await op(owner, home.frontDoor.LockID, 'extendedfunction', '', {
        extendedfunction: { function: 'vacationMode', parameters: {} },
      });
      assert.deepEqual(obj(ext.body).extendedfunction, { function: 'vacationMode', info: {} });
    });

    it('bridge offline 422 (code 98), lock busy 423, bridge timeout 408, jammed lock reports jammed', async () => {
      const offline = await op(owner, home.garage.LockID, 'unlock');
      assert.equal(offline.status, 422);
      assert.deepEqual(offline.body, { code: 98, message: 'Bridge is offline' });
      emu.setBusy(home.frontDoor.LockID, 10_000);
      assert.equal((await op(owner, home.frontDoor.LockID, 'lock')).status, 423);
      emu.setBusy(home.frontDoor.LockID, 0);
      emu.setBridgeTimeout(home.backDoor.LockID, true);
      assert.equal((await op(owner, home.backDoor.LockID, 'lock')).status, 408);
      const jam = await op(owner, home.shed.LockID, 'lock');
      assert.equal(obj(jam.body).status, 'FAILED_BRIDGE_ERROR_LOCK_JAMMED');
      assert.equal(
        obj((await op(owner, home.shed.LockID, 'status')).body).status,
        'kAugLockState_UnknownStaticPosition',
      );
      emu.setJammed(home.shed.LockID, false);
      assert.equal(obj((await op(owner, home.shed.LockID, 'lock')).body).status, 'kAugLockState_Locked');
    });

    it('two operations at once: the second is refused with 423', async () => {
      const { emu: slow, home: h } = await startEmulator({ opDelayMs: 80 });
      try {
        const c = new RawClient(slow);
        await c.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
        const [a, b] = await Promise.all([
          op(c, h.frontDoor.LockID, 'unlock'),
          op(c, h.frontDoor.LockID, 'lock'),
        ]);
        assert.deepEqual([a.status, b.status].sort(), [200, 423]);
      } finally {
        await slow.close();
      }
    });

    it('kit fault injection reaches the routes (429 with Retry-After)', async () => {
      emu.faults.rateLimit(1, 2, { path: /remoteoperate/ });
      const res = await op(owner, home.frontDoor.LockID, 'lock');
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '2');
    });
  });

  describe('PINs', () => {
    const pins = (lockId: string) => owner.call('GET', `/locks/${lockId}/pins`).then((r) => obj(r.body));
    const send = (lockId: string, commands: unknown[], c = owner) =>
      c.call('POST', `/locks/${lockId}/pins`, { commands });
    const inState = async (lockId: string, state: string) => ((await pins(lockId))[state] as Obj[]) ?? [];

    it('groups PINs by state and moves them on asynchronously: created -> loaded, deleting -> gone', async () => {
      emu.timing.pinDelayMs = 60_000;
      const groups = await pins(home.frontDoor.LockID);
      assert.deepEqual(Object.keys(groups), [
        'created',
        'loaded',
        'disabled',
        'disabling',
        'enabling',
        'deleting',
        'updating',
      ]);
      const res = await send(home.frontDoor.LockID, [
        { action: 'load', pin: '2468', accessType: 'always', augustUserID: home.guest.userId },
      ]);
      assert.deepEqual(res.body, { message: 'success' });
      assert.equal((await inState(home.frontDoor.LockID, 'created')).length, 1);
      emu.flushTimers();
      const loaded = (await inState(home.frontDoor.LockID, 'loaded'))[0];
      assert.equal(loaded.pin, '2468');
      assert.equal(loaded.userID, home.guest.userId);
      assert.equal(loaded.slot, 1);
      await send(home.frontDoor.LockID, [{ action: 'delete', augustUserID: home.guest.userId }]);
      assert.equal((await inState(home.frontDoor.LockID, 'deleting')).length, 1);
      emu.flushTimers();
      assert.equal(emu.lock(home.frontDoor.LockID).pins.length, 0);
    });

    it('temporary, recurring and one-time PINs with accessTimes; update and disable/enable', async () => {
      const lockId = home.frontDoor.LockID;
      emu.timing.pinDelayMs = 60_000;
      await send(lockId, [
        {
          action: 'load',
          pin: '1111',
          accessType: 'temporary',
          accessTimes: 'DTSTART=2030-01-01T00:00:00.000Z;DTEND=2030-01-02T00:00:00.000Z',
          firstName: 'T',
        },
        {
          action: 'load',
          pin: '2222',
          accessType: 'recurring',
          accessTimes: 'STARTSEC=3600;ENDSEC=7200',
          accessRecurrence: 'FREQ=WEEKLY;BYDAY=MO',
          firstName: 'R',
        },
        { action: 'load', pin: '3333', accessType: 'oneTime', firstName: 'O', partnerUserID: 'partner-o' },
      ]);
      emu.flushTimers();
      const recurring = (await inState(lockId, 'loaded')).find((p) => p.pin === '2222')!;
      assert.equal(recurring.accessRecurrence, 'FREQ=WEEKLY;BYDAY=MO');
      await send(lockId, [{ action: 'update', augustUserID: recurring.userID, accessType: 'always' }]);
      assert.equal((await inState(lockId, 'updating')).length, 1);
      emu.flushTimers();
      assert.equal((await inState(lockId, 'updating')).length, 0);
      await send(lockId, [{ action: 'disable', partnerUserID: 'partner-o' }]);
      assert.equal((await inState(lockId, 'disabling')).length, 1);
      emu.flushTimers();
      assert.equal((await inState(lockId, 'disabled')).length, 1);
      await send(lockId, [{ action: 'enable', pin: '3333' }]);
      assert.equal((await inState(lockId, 'enabling')).length, 1);
      emu.flushTimers();
      assert.equal((await inState(lockId, 'loaded')).length, 3);
    });

    it('the rules: reused PIN 409, second PIN for a user 409, PIN change by update 409, race 409', async () => {
      const lockId = home.frontDoor.LockID;
      // The lock takes its time: the PIN stays "created" for this test.
      emu.timing.pinDelayMs = 60_000;
      await send(lockId, [{ action: 'load', pin: '2468', augustUserID: home.guest.userId }]);
      assert.equal((await send(lockId, [{ action: 'load', pin: '2468', firstName: 'Other' }])).status, 409);
      assert.equal(
        (await send(lockId, [{ action: 'load', pin: '9999', augustUserID: home.guest.userId }])).status,
        409,
      );
      // Still "created": any change races with the lock.
      assert.equal((await send(lockId, [{ action: 'delete', augustUserID: home.guest.userId }])).status, 409);
      emu.lock(lockId).pins[0].state = 'loaded';
      assert.equal(
        (await send(lockId, [{ action: 'update', augustUserID: home.guest.userId, pin: '1212' }])).status,
        409,
      );
      assert.equal((await send(lockId, [{ action: 'delete', augustUserID: home.owner.userId }])).status, 404);
    });

    it('refuses bad input, schedules on Type 1, an offline bridge and a plain user', async () => {
      assert.equal((await send(home.frontDoor.LockID, [])).status, 400);
      assert.equal(
        (await send(home.frontDoor.LockID, [{ action: 'load', pin: '12', firstName: 'A' }])).status,
        400,
      );
      assert.equal((await send(home.frontDoor.LockID, [{ action: 'load', pin: '1234' }])).status, 400);
      assert.equal((await send(home.frontDoor.LockID, [{ action: 'zap' }])).status, 400);
      assert.equal(
        (
          await send(home.frontDoor.LockID, [
            { action: 'load', pin: '1234', firstName: 'A', accessType: 'temporary' },
          ])
        ).status,
        400,
      );
      const type1 = await send(home.backDoor.LockID, [
        {
          action: 'load',
          pin: '1234',
          firstName: 'A',
          accessType: 'temporary',
          accessTimes: 'DTSTART=2030-01-01T00:00:00Z;DTEND=2030-01-02T00:00:00Z',
        },
      ]);
      assert.equal(type1.status, 400);
      assert.equal(
        (await send(home.backDoor.LockID, [{ action: 'load', pin: '12345678', firstName: 'A' }])).status,
        200,
      );
      emu.setBridgeOnline(home.frontDoor.LockID, false);
      assert.equal(
        (await send(home.frontDoor.LockID, [{ action: 'load', pin: '1234', firstName: 'A' }])).status,
        422,
      );
      assert.equal(
        (await send(home.backDoor.LockID, [{ action: 'load', pin: '5555', firstName: 'B' }], guest)).status,
        403,
      );
      assert.equal((await guest.call('GET', `/locks/${home.backDoor.LockID}/pins`)).status, 403);
      assert.equal(
        (await send(home.apartment.LockID, [{ action: 'load', pin: '5555', firstName: 'B' }])).status,
        400,
      );
    });

    it('at most 240 PINs per lock', async () => {
      const commands = Array.from({ length: 240 }, (_, i) => ({
        action: 'load',
        pin: String(10000 + i),
        firstName: `U${i}`,
      }));
      assert.equal((await send(home.backDoor.LockID, commands)).status, 200);
      const extra = await send(home.backDoor.LockID, [{ action: 'load', pin: '99999', firstName: 'Extra' }]);
      assert.equal(extra.status, 409);
      assert.equal((await owner.call('GET', `/locks/${home.backDoor.LockID}/pin`)).status, 409);
    });

    it('reserves a PIN and slot, held for the caller; loading it uses the reservation', async () => {
      const r = obj((await owner.call('GET', `/locks/${home.frontDoor.LockID}/pin`)).body);
      assert.match(String(r.pin), /^\d{6}$/);
      assert.equal(r.slot, 1);
      const next = obj((await owner.call('GET', `/locks/${home.frontDoor.LockID}/pin`)).body);
      assert.equal(next.slot, 2);
      await send(home.frontDoor.LockID, [{ action: 'load', pin: r.pin, slot: r.slot, firstName: 'Res' }]);
      const pin = emu.lock(home.frontDoor.LockID).pins[0];
      assert.equal(pin.slot, 1);
      assert.equal(emu.lock(home.frontDoor.LockID).reservations.length, 1);
      const cred = obj(
        (
          await owner.call(
            'GET',
            `/locks/${home.frontDoor.LockID}/users/${home.guest.userId}/credential?type=pin`,
          )
        ).body,
      );
      assert.equal(cred.slot, 3);
      assert.equal(
        (
          await owner.call(
            'GET',
            `/locks/${home.frontDoor.LockID}/users/${home.guest.userId}/credential?type=rf`,
          )
        ).status,
        400,
      );
      assert.equal((await owner.call('GET', `/locks/${home.apartment.LockID}/pin`)).status, 400);
      const { emu: short, home: h } = await startEmulator({ reserveHoldMs: 20 });
      try {
        const c = new RawClient(short);
        await c.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
        assert.equal(obj((await c.call('GET', `/locks/${h.frontDoor.LockID}/pin`)).body).slot, 1);
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.equal(
          obj((await c.call('GET', `/locks/${h.frontDoor.LockID}/pin`)).body).slot,
          1,
          'the hold ended',
        );
      } finally {
        await short.close();
      }
    });

    it('master PIN: none yet 404, https webhook only, set then loaded', async () => {
      const path = `/locks/${home.frontDoor.LockID}/pins/master`;
      emu.timing.pinDelayMs = 60_000;
      assert.equal((await owner.call('GET', path)).status, 404);
      assert.equal(
        (await owner.call('PUT', path, { pin: '8080', webhook: 'http://127.0.0.1/hook' })).status,
        400,
      );
      assert.equal((await owner.call('PUT', path, { pin: 'abcd' })).status, 400);
      assert.equal((await guest.call('PUT', path, { pin: 808080 })).status, 403);
      assert.deepEqual(
        (await owner.call('PUT', path, { pin: 808080, webhook: 'https://example.invalid/hook' })).body,
        { message: 'success' },
      );
      assert.equal(obj((await owner.call('GET', path)).body).state, 'updating');
      emu.flushTimers();
      assert.equal(obj((await owner.call('GET', path)).body).pin, '808080');
    });

    it('transfers a PIN from one user to another', async () => {
      const lockId = home.frontDoor.LockID;
      const path = `/locks/${lockId}/pins/transfer`;
      await send(lockId, [{ action: 'load', pin: '4321', augustUserID: home.guest.userId }]);
      emu.flushTimers();
      assert.equal(
        (await owner.call('PUT', path, { oldUserID: home.owner.userId, newUserID: home.guest.userId }))
          .status,
        404,
      );
      await send(lockId, [{ action: 'load', pin: '8765', augustUserID: home.twoFactorUser.userId }]);
      emu.flushTimers();
      assert.equal(
        (
          await owner.call('PUT', path, {
            oldUserID: home.guest.userId,
            newUserID: home.twoFactorUser.userId,
          })
        ).status,
        409,
      );
      assert.equal((await owner.call('PUT', path, { oldUserID: home.guest.userId })).status, 400);
      const ok = await owner.call('PUT', path, {
        oldUserID: home.guest.userId,
        newUserID: home.owner.userId,
      });
      assert.deepEqual(ok.body, { message: 'success' });
      const moved = (await inState(lockId, 'loaded')).find((p) => p.pin === '4321')!;
      assert.equal(moved.userID, home.owner.userId);
      assert.equal(moved.firstName, 'Alex');
    });

    it('pins/sync: 200 nothing to do, 202 started, 409 bridge offline; unverified users', async () => {
      const lockId = home.frontDoor.LockID;
      assert.equal((await owner.call('PUT', `/locks/${lockId}/pins/sync`)).status, 200);
      const u = obj(
        (await owner.call('POST', '/unverifiedusers', { firstName: 'Una', lastName: 'V', lockID: lockId }))
          .body,
      );
      // The PIN must still be settling when sync is asked (15 ms can pass on a loaded machine).
      emu.timing.pinDelayMs = 60_000;
      await send(lockId, [{ action: 'load', pin: '5678', augustUserID: u.id }]);
      assert.equal((await owner.call('PUT', `/locks/${lockId}/pins/sync`)).status, 202);
      assert.equal((await owner.call('PUT', `/locks/${home.garage.LockID}/pins/sync`)).status, 409);
      assert.equal((await owner.call('POST', '/unverifiedusers', { lockID: lockId })).status, 400);
    });
  });

  describe('users on a lock', () => {
    const base = () => `/locks/${home.frontDoor.LockID}`;
    it('adds (manager or superuser only), changes type (superuser only), removes', async () => {
      const newUser = 'b13c2960-0346-4352-9b7b-6dd2682a615b';
      assert.equal(
        (await guest.call('PUT', `/locks/adduser/${home.frontDoor.LockID}/${newUser}/user`, {})).status,
        401,
      );
      assert.equal(
        (await owner.call('PUT', `/locks/adduser/${home.frontDoor.LockID}/${newUser}/boss`, {})).status,
        400,
      );
      const added = await owner.call('PUT', `/locks/adduser/${home.frontDoor.LockID}/${newUser}/manager`, {
        Name: 'New Person',
        returnInvited: true,
      });
      assert.deepEqual(added.body, { message: 'success', invitedUserID: newUser });
      assert.equal(emu.lock(home.frontDoor.LockID).users.get(newUser), 'manager');
      assert.equal((await guest.call('PUT', `${base()}/${newUser}/user`, {})).status, 401);
      assert.equal((await owner.call('PUT', `${base()}/${newUser}/superuser`, {})).status, 200);
      assert.equal(emu.lock(home.frontDoor.LockID).users.get(newUser), 'superuser');
      assert.equal((await owner.call('PUT', `${base()}/nobody/user`, {})).status, 404);
      assert.equal((await guest.call('DELETE', `${base()}/${newUser}`)).status, 401);
      assert.equal((await owner.call('DELETE', `${base()}/${newUser}`)).status, 200);
      assert.equal((await owner.call('DELETE', `${base()}/${newUser}`)).status, 404);
    });
  });

  describe('live updates', () => {
    it('subscribers: create, get, delete; scopes are checked', async () => {
      assert.equal((await owner.call('POST', '/websocket/subscribers', { scopes: [] })).status, 400);
      assert.equal(
        (await owner.call('POST', '/websocket/subscribers', { scopes: ['lock', 'lock'] })).status,
        400,
      );
      assert.equal(
        (await owner.call('POST', '/websocket/subscribers', { scopes: ['doorbell'] })).status,
        400,
      );
      const sub = obj((await owner.call('POST', '/websocket/subscribers', { scopes: ['lock'] })).body);
      assert.deepEqual(Object.keys(sub).sort(), ['clientID', 'scopes', 'subscriberID', 'userID']);
      assert.equal(sub.userID, home.owner.userId);
      assert.deepEqual(
        (await owner.call('GET', `/websocket/subscribers/${String(sub.subscriberID)}`)).body,
        sub,
      );
      assert.equal(
        (await guest.call('GET', `/websocket/subscribers/${String(sub.subscriberID)}`)).status,
        404,
      );
      assert.equal(
        (await owner.call('DELETE', `/websocket/subscribers/${String(sub.subscriberID)}`)).status,
        200,
      );
      assert.equal(
        (await owner.call('GET', `/websocket/subscribers/${String(sub.subscriberID)}`)).status,
        404,
      );
    });

    it('PubNub subscribe (real pubnub SDK): lock events on the lock channel; the August host has no websocket', async () => {
      const messages: Array<{ channel: string; message: Obj; timetoken: string }> = [];
      const statuses: string[] = [];
      const client = new PubNub({
        subscribeKey: 'sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f',
        userId: `pn-${home.owner.userId.toUpperCase()}`,
        origin: new URL(emu.url).host,
        ssl: false,
      });
      client.addListener({
        status: (s) => statuses.push(s.category),
        message: (m) =>
          messages.push({ channel: m.channel, message: m.message as Obj, timetoken: m.timetoken }),
      });
      const front = emu.lock(home.frontDoor.LockID).pubsubChannel;
      const back = emu.lock(home.backDoor.LockID).pubsubChannel;
      client.subscribe({ channels: [front, back] });
      try {
        await until(() => statuses.includes('PNConnectedCategory'), 'connected');
        emu.simulateManual(home.frontDoor.LockID, 'unlock');
        emu.simulateDoor(home.frontDoor.LockID, 'open');
        emu.setBridgeOnline(home.frontDoor.LockID, false);
        await owner.call('PUT', `/remoteoperate/${home.backDoor.LockID}/lock`);
        await until(() => messages.length >= 6, 'pushes');
        assert.deepEqual(messages[0].message, {
          status: 'unlocked',
          callingUserID: 'manualunlock',
          doorState: 'closed',
        });
        assert.equal(messages[0].channel, front);
        assert.match(messages[0].timetoken, /^\d{17}$/);
        assert.equal(messages[1].message.status, 'DoorStateChanged');
        assert.equal(messages[2].message.doorState, 'open');
        assert.equal(messages[3].message.status, 'associated_bridge_offline');
        assert.equal(messages[4].message.status, 'kAugLockState_Locking');
        assert.equal(messages[5].message.status, 'kAugLockState_Locked');
        assert.equal(messages[5].channel, back);
        const tts = messages.map((m) => BigInt(m.timetoken));
        assert.ok(
          tts.every((t, i) => i === 0 || t > tts[i - 1]),
          'timetokens increase',
        );
      } finally {
        (client as unknown as { destroy(offline: boolean): void }).destroy(true);
      }
      // The api-production host offers no Socket.IO.
      assert.equal((await fetch(`${emu.url}/socket.io/?EIO=4&transport=polling`)).status, 404);
    });

    it('PubNub subscribe protocol: handshake, held long-poll, backlog by timetoken, bad key', async () => {
      const key = 'sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f';
      const channel = emu.lock(home.frontDoor.LockID).pubsubChannel;
      const sub = async (tt: string, k = key) => {
        const res = await fetch(
          `${emu.url}/v2/subscribe/${k}/${encodeURIComponent(channel)}/0?tt=${tt}&uuid=pn-X`,
        );
        return { status: res.status, body: (await res.json()) as { t: { t: string }; m: Obj[] } };
      };
      const hello = await sub('0');
      assert.equal(hello.status, 200);
      assert.deepEqual(hello.body.m, []);
      const held = sub(hello.body.t.t);
      await until(() => emu.live.connected === 1, 'held');
      emu.simulateManual(home.frontDoor.LockID, 'lock');
      const got = await held;
      assert.equal(got.body.m.length, 1);
      assert.equal(got.body.m[0].c, channel);
      assert.equal(obj(got.body.m[0].d).status, 'locked');
      // A client that comes back with an older timetoken gets what it missed.
      assert.equal((await sub(hello.body.t.t)).body.m.length, 1);
      assert.equal((await sub('0', 'sub-c-wrong')).status, 400);
      assert.equal((await sub('abc')).status, 400);
    });

    describe('Socket.IO (Yale Global host)', () => {
      let yale: AugustEmulator;
      let y: DemoHousehold;
      let yOwner: RawClient;
      beforeEach(async () => {
        ({ emu: yale, home: y } = await startEmulator(
          { family: 'aaecosystem', passwordLogin: true },
          'yale',
        ));
        yOwner = new RawClient(yale);
        await yOwner.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
      });
      afterEach(() => yale.close());

      const connect = (subId: string, headers: Record<string, string>) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(yale.url, {
            transports: ['websocket'],
            query: { subscriberID: subId },
            extraHeaders: headers,
            reconnection: false,
            forceNew: true,
          });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', (err) => {
            socket.disconnect();
            reject(err);
          });
        });

      it('socket.io-client: `data` events with lockID to the subscriber; refuses sockets without auth', async () => {
        const sub = obj((await yOwner.call('POST', '/websocket/subscribers', { scopes: ['lock'] })).body);
        const subId = String(sub.subscriberID);
        await assert.rejects(connect(subId, { 'x-api-key': yale.apiKey }), /token/i);
        await assert.rejects(connect('unknown', yOwner.headers()), /Subscriber not found/);
        const socket = await connect(subId, yOwner.headers());
        const messages: Obj[] = [];
        socket.on('data', (d: Obj) => messages.push(d));
        try {
          yale.simulateManual(y.frontDoor.LockID, 'unlock');
          yale.simulateDoor(y.frontDoor.LockID, 'open');
          await yOwner.call('PUT', `/remoteoperate/${y.backDoor.LockID}/lock`);
          await until(() => messages.length >= 5, 'pushes');
          assert.deepEqual(messages[0], {
            status: 'unlocked',
            callingUserID: 'manualunlock',
            doorState: 'closed',
            lockID: y.frontDoor.LockID,
          });
          assert.equal(messages[4].status, 'kAugLockState_Locked');
          assert.equal(messages[4].lockID, y.backDoor.LockID);
          const closed = new Promise((r) => socket.once('disconnect', r));
          await yOwner.call('DELETE', `/websocket/subscribers/${subId}`);
          await closed;
        } finally {
          socket.disconnect();
        }
        // The aaecosystem host has no PubNub.
        assert.equal((await fetch(`${yale.url}/time/0`)).status, 404);
      });
    });
  });
});
