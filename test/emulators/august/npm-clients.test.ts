import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AugustEmulator } from '../../../src/emulators/august/server';
import { DEMO_ACCOUNT, DEMO_TWO_FACTOR, type DemoHousehold } from '../../../src/emulators/august/seed';
import {
  capturingConsole,
  loadAugustApi,
  loadAugustYale,
  redirectAugustClients,
  type AugustNpmClientClass,
  type Redirect,
} from '../../support/august-clients';
import { startEmulator } from './helpers';

/**
 * Issue 15: the August emulator against two clients Lockbridge did not write, npm august-api 1.5.1
 * and august-yale 0.2.0, unmodified, their requests redirected in-process to the emulator on
 * 127.0.0.1: login, two-factor, locks, details, status, lock, unlock, and a wrong password.
 */
const CLIENTS: Array<[string, () => Promise<AugustNpmClientClass>]> = [
  ['august-api 1.5.1', () => Promise.resolve(loadAugustApi())],
  ['august-yale 0.2.0', loadAugustYale],
];

for (const [name, load] of CLIENTS) {
  describe(`august emulator against npm ${name}`, () => {
    let emu: AugustEmulator;
    let home: DemoHousehold;
    let redirect: Redirect;
    let Client: AugustNpmClientClass;
    const client = (augustId: string = DEMO_ACCOUNT.email, password: string = DEMO_ACCOUNT.password) =>
      new Client({ installId: randomUUID(), augustId, password, apiKey: emu.apiKey });

    before(async () => {
      Client = await load();
    });
    beforeEach(async () => {
      ({ emu, home } = await startEmulator());
      redirect = redirectAugustClients(emu.url);
    });
    afterEach(async () => {
      redirect.restore();
      await emu.close();
    });

    it('logs in and lists the locks (GET /users/locks/mine)', async () => {
      const locks = await client().locks();
      assert.ok(locks);
      assert.equal(Object.keys(locks).length, 5);
      assert.equal(locks[home.frontDoor.LockID].LockName, 'Front Door');
      assert.equal(locks[home.frontDoor.LockID].UserType, 'superuser');
      assert.equal(emu.server.requestsTo('POST', '/session').length, 1);
      assert.ok(redirect.requested.every((u) => u.startsWith('https://api-production.august.com/')));
    });

    it('details (GET /locks/{id}): LockStatus, door, bridge, pubsubChannel', async () => {
      const d = await client().details(home.frontDoor.LockID);
      assert.equal(d.LockID, home.frontDoor.LockID);
      assert.equal(d.lockId, home.frontDoor.LockID, 'the client copies LockID to lockId');
      const status = d.LockStatus as Record<string, unknown>;
      assert.equal(status.status, 'locked');
      assert.equal(status.doorState, 'closed');
      assert.equal(
        ((d.Bridge as Record<string, unknown>).status as Record<string, unknown>).current,
        'online',
      );
      assert.equal(typeof d.pubsubChannel, 'string');
    });

    it('status (PUT /remoteoperate/{id}/status), parsed by the client into state', async () => {
      const s = await client().status(home.frontDoor.LockID);
      assert.equal(s.status, 'kAugLockState_Locked');
      assert.equal(s.doorState, 'kAugDoorState_Closed');
      assert.deepEqual(s.state, { locked: true, unlocked: false, open: false, closed: true });
      assert.equal(s.lockID, home.frontDoor.LockID);
    });

    it('unlock then lock (PUT /remoteoperate/{id}/unlock|lock) move the emulated bolt', async () => {
      const unlocked = await client().unlock(home.frontDoor.LockID);
      assert.equal(unlocked.status, 'kAugLockState_Unlocked');
      assert.equal(unlocked.state?.unlocked, true);
      assert.equal(emu.lock(home.frontDoor.LockID).bolt, 'unlocked');
      const locked = await client().lock(home.frontDoor.LockID);
      assert.equal(locked.status, 'kAugLockState_Locked');
      assert.equal(locked.state?.locked, true);
      assert.equal(emu.lock(home.frontDoor.LockID).bolt, 'locked');
      const puts = emu.server.requestsTo('PUT', `/remoteoperate/${home.frontDoor.LockID}/lock`);
      assert.equal(puts.length, 1);
      assert.equal(puts[0].headers['x-august-api-key'], emu.apiKey);
    });

    it('two-factor: locks refused until authorize() + validate(code), then listed', async () => {
      const c = client(DEMO_TWO_FACTOR.email, DEMO_TWO_FACTOR.password);
      const { result: sent } = await capturingConsole(() => c.authorize());
      assert.equal(sent, true);
      assert.equal(emu.server.requestsTo('POST', '/validation/email').length, 1);
      const { result: validated } = await capturingConsole(() => c.validate(DEMO_TWO_FACTOR.code));
      assert.equal(validated, true);
      const locks = await c.locks();
      assert.equal(Object.keys(locks ?? {}).length, 5);
      // One login: the same install and token went through validation.
      assert.equal(emu.server.requestsTo('POST', '/session').length, 1);

      const before = client(DEMO_TWO_FACTOR.email, DEMO_TWO_FACTOR.password);
      const { result, printed } = await capturingConsole(() => before.locks());
      assert.equal(result, undefined);
      assert.ok(printed.some((l) => l.includes('401')));
    });

    it('a wrong password: the session answer says vPassword false and nothing opens', async () => {
      const c = client(DEMO_ACCOUNT.email, 'not-the-password');
      const { result, printed } = await capturingConsole(() => c.locks());
      assert.equal(result, undefined);
      assert.ok(printed.some((l) => l.includes('401')));
      const session = emu.server.requestsTo('POST', '/session');
      assert.equal(session.length, 1);
      assert.ok(!JSON.stringify(printed).includes('not-the-password'));
      assert.equal(emu.lock(home.frontDoor.LockID).bolt, 'locked');
    });
  });
}
