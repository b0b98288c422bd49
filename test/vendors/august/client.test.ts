import assert from 'node:assert/strict';
import { AugustClient } from '../../../src/vendors/august/client';
import { BRANDS } from '../../../src/vendors/august/brands';
import { liveEndpointFor } from '../../../src/vendors/august/live';
import { LockbridgeError } from '../../../src/core/errors';
import type { AugustEmulator } from '../../../src/emulators/august/server';
import { DEMO_ACCOUNT, type DemoHousehold } from '../../../src/emulators/august/seed';
import { AugustSandbox } from '../../../src/emulators/august/sandbox';
import { startEmulator, until, webhookReceiver } from '../../emulators/august/helpers';

describe('august client: every operation, 1:1, against the emulator', () => {
  let emu: AugustEmulator;
  let home: DemoHousehold;
  let client: AugustClient;

  beforeEach(async () => {
    ({ emu, home } = await startEmulator());
    client = new AugustClient({
      brand: BRANDS.august,
      baseUrl: emu.url,
      apiKey: emu.apiKey,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const { token } = await client.login('install-c', `email:${DEMO_ACCOUNT.email}`, DEMO_ACCOUNT.password);
    client.setToken(token);
  });
  afterEach(() => emu.close());

  it('brand table: base URLs and header names per family', () => {
    assert.equal(BRANDS.august.baseUrl, 'https://api-production.august.com');
    assert.equal(BRANDS.yale_access.baseUrl, 'https://api-production.august.com');
    assert.equal(BRANDS.yale_home.baseUrl, 'https://api.aaecosystem.com');
    assert.equal(BRANDS.yale_global.baseUrl, 'https://api.aaecosystem.com');
    assert.equal(BRANDS.yale_access.headers.accessToken, 'x-august-access-token');
    assert.equal(BRANDS.yale_global.headers.apiKey, 'x-api-key');
    // Live updates: Socket.IO for Yale Global, PubNub (never a websocket) for August and Yale Access.
    assert.deepEqual(liveEndpointFor(BRANDS.yale_global, BRANDS.yale_global.baseUrl), {
      kind: 'socketio',
      url: 'https://websocket.aaecosystem.com/',
    });
    const sub = 'sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f';
    assert.deepEqual(liveEndpointFor(BRANDS.august, BRANDS.august.baseUrl), {
      kind: 'pubnub',
      subscribeKey: sub,
      ssl: true,
    });
    assert.deepEqual(liveEndpointFor(BRANDS.yale_access, 'http://127.0.0.1:9/'), {
      kind: 'pubnub',
      subscribeKey: sub,
      origin: '127.0.0.1:9',
      ssl: false,
    });
    assert.deepEqual(
      liveEndpointFor(BRANDS.august, BRANDS.august.baseUrl, 'https://pubnub.example.test:8443'),
      { kind: 'pubnub', subscribeKey: sub, origin: 'pubnub.example.test:8443', ssl: true },
    );
    assert.deepEqual(liveEndpointFor(BRANDS.yale_global, 'http://127.0.0.1:9'), {
      kind: 'socketio',
      url: 'http://127.0.0.1:9/',
    });
    assert.throws(
      () => liveEndpointFor(BRANDS.august, BRANDS.august.baseUrl, 'not a url'),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_config',
    );
  });

  it('houses, a house, locks, lock detail (v1), status, capabilities', async () => {
    const houses = await client.getHouses();
    assert.equal(houses.length, 1);
    assert.equal((await client.getHouse(houses[0].HouseID)).locks.length, 5);
    assert.equal(Object.keys(await client.getMyLocks()).length, 5);
    assert.equal((await client.getLock(home.frontDoor.LockID)).LockName, 'Front Door');
    assert.equal((await client.getLockStatus(home.frontDoor.LockID)).status, 'locked');
    assert.equal(
      (await client.getCapabilities({ deviceType: 'lock', deviceID: home.backDoor.LockID })).keypad
        ?.pinLengthMax,
      8,
    );
  });

  it('remote operate v1 and v2, sync and async with a webhook', async () => {
    const v1 = await client.remoteOperate(home.frontDoor.LockID, 'unlock');
    assert.equal(v1.result?.status, 'kAugLockState_Unlocked');
    const v2 = await client.remoteOperate(home.frontDoor.LockID, 'lock', {
      version: 2,
      retryLimit: 2,
      notificationType: 'websocket',
    });
    assert.equal(v2.result?.status, 'kAugLockState_Locked');
    assert.equal(emu.server.requestsTo('PUT', /\/lock$/).at(-1)?.headers['accept-version'], '2.0.0');
    const hook = await webhookReceiver();
    try {
      const a = await client.remoteOperate(home.frontDoor.LockID, 'unlock', {
        type: 'async',
        webhook: hook.url,
      });
      assert.deepEqual(a, { status: 202 });
      await until(() => hook.received.length === 1, 'webhook');
    } finally {
      await hook.close();
    }
    const ext = await client.remoteOperate(home.frontDoor.LockID, 'extendedfunction', {
      extendedfunction: { function: 'vacationMode' },
    });
    assert.equal(ext.result?.extendedfunction?.function, 'vacationMode');
  });

  it('PIN operations: manage with webhook, reserve, credential, master, transfer, sync', async () => {
    const lockId = home.frontDoor.LockID;
    const hook = await webhookReceiver();
    try {
      await client.managePins(
        lockId,
        [{ action: 'load', pin: '2580', augustUserID: home.guest.userId }],
        hook.url,
      );
      await until(() => hook.received.length === 1, 'PIN webhook');
      assert.equal((hook.received[0] as Record<string, unknown>).state, 'loaded');
    } finally {
      await hook.close();
    }
    assert.equal((await client.getPins(lockId)).loaded?.[0].pin, '2580');
    assert.equal((await client.reservePin(lockId)).slot, 2);
    assert.equal((await client.reserveCredential(lockId, home.owner.userId)).slot, 3);
    await client.setMasterPin(lockId, 4455);
    emu.flushTimers();
    assert.equal((await client.getMasterPin(lockId)).state, 'loaded');
    await client.transferPin(lockId, home.guest.userId, home.twoFactorUser.userId);
    assert.equal((await client.getPins(lockId)).loaded?.[0].userID, home.twoFactorUser.userId);
    assert.equal(await client.syncPins(lockId), 200);
    const unverified = await client.createUnverifiedUser({ firstName: 'U', lastName: 'V', lockID: lockId });
    assert.ok(unverified.id);
  });

  it('lock users, subscribers, sub-users, delete lock and logout', async () => {
    const lockId = home.frontDoor.LockID;
    assert.equal(
      (await client.addUser(lockId, 'new-user-1', 'user', { Name: 'New One', returnInvited: true }))
        .invitedUserID,
      'new-user-1',
    );
    await client.changeUserType(lockId, 'new-user-1', 'manager');
    await client.removeUser(lockId, 'new-user-1');
    const sub = await client.createSubscriber();
    assert.deepEqual(await client.getSubscriber(sub.subscriberID), sub);
    await client.deleteSubscriber(sub.subscriberID);
    const subUser = await client.createSubUser('partner-9', 'Pat', 'Nine');
    assert.equal(subUser.userCreated, true);
    assert.deepEqual(await client.deleteLock(home.backDoor.LockID, 1), { message: 'success' });
    await client.logout('install-c', 'device-1');
    await assert.rejects(
      client.getMyLocks(),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'auth_failed',
    );
  });
});

describe('august sandbox', () => {
  it('starts the demo household on loopback and returns a working account config', async () => {
    const sandbox = new AugustSandbox();
    const { url, accounts } = await sandbox.start();
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(accounts.length, 1);
      const account = accounts[0];
      assert.equal(account.vendor, 'august');
      if (account.vendor !== 'august') return;
      const client = new AugustClient({ brand: BRANDS.august, baseUrl: url, apiKey: account.apiKey! });
      const { session, token } = await client.login(
        account.installId!,
        account.identifier!,
        account.password!,
      );
      assert.equal(session.vInstallId, true, 'the demo needs no two-factor prompt');
      client.setToken(token);
      const names = Object.values(await client.getMyLocks())
        .map((l) => l.LockName)
        .sort();
      assert.deepEqual(names, ['Apartment', 'Back Door', 'Front Door', 'Garage Door', 'Shed']);
    } finally {
      await sandbox.stop();
    }
  });
});
