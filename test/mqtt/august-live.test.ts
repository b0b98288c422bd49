import assert from 'node:assert/strict';
import type { AugustAccountConfig, VendorAccountConfig } from '../../src/config/types';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { lockIdFor } from '../../src/core/model';
import { Redactor } from '../../src/core/redact';
import { MemoryStorage } from '../../src/core/storage';
import { LockHub } from '../../src/hub/hub';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { DEMO_ACCOUNT, type DemoHousehold } from '../../src/emulators/august/seed';
import type { AugustEmulator } from '../../src/emulators/august/server';
import { vendorDrivers } from '../../src/vendors/registry';
import { RawClient, startEmulator, until } from '../emulators/august/helpers';
import { isRecord, TestClient } from './support';

/**
 * The whole path of a live update, with real parts: the emulator's PubNub (August) or Socket.IO (Yale
 * Global) endpoint, the pubnub SDK or socket.io-client in the driver, the hub, the MQTT bridge and a
 * broker. The lock is operated by another client straight at the emulator, and the poll interval is
 * ten minutes, so only a push can bring the new state to MQTT; the emulator's request log proves no
 * lock was read in between.
 */
const cases: Array<{ title: string; family: 'august' | 'aaecosystem'; brand: AugustAccountConfig['brand'] }> =
  [
    { title: 'August over PubNub', family: 'august', brand: 'august' },
    { title: 'Yale Access over PubNub', family: 'august', brand: 'yale_access' },
    { title: 'Yale Global over Socket.IO', family: 'aaecosystem', brand: 'yale_global' },
  ];

for (const { title, family, brand } of cases) {
  describe(`mqtt: August/Yale live updates end to end (${title})`, function () {
    this.timeout(30_000);
    let emu: AugustEmulator;
    let home: DemoHousehold;
    let hub: LockHub;
    let bridge: MqttBridge;
    let c: TestClient;

    beforeEach(async () => {
      ({ emu, home } = await startEmulator({ family }, brand === 'august' ? 'august' : 'yale'));
      const account: AugustAccountConfig = {
        vendor: 'august',
        id: 'home',
        brand,
        baseUrl: emu.url,
        // Yale Global has no password login: its token comes from a sign-in elsewhere.
        ...(family === 'aaecosystem'
          ? { accessToken: emu.issueAccessToken(home.owner.userId) }
          : { identifier: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password }),
        apiKey: emu.apiKey,
      };
      hub = new LockHub({
        accounts: [account as VendorAccountConfig],
        drivers: { august: vendorDrivers.august },
        storage: new MemoryStorage(),
        logger: new RedactingLogger(new MemorySink()),
        pollIntervalMs: 10 * 60_000,
      });
      await hub.start();
      bridge = await startMqttBridge({
        source: hub,
        config: { embedded: { port: 0 } },
        logger: new RedactingLogger(new MemorySink(), { redactor: new Redactor() }),
        version: '1.2.3',
      });
      c = await TestClient.connect(bridge.brokerUrl!);
    });

    afterEach(async () => {
      await c?.end();
      await bridge?.stop();
      await hub?.stop();
      await emu?.close();
    });

    it('a lock operated by another client changes state on MQTT by push, with no poll in between', async () => {
      const front = lockIdFor('august', home.frontDoor.LockID);
      await c.subscribe([`lockbridge/${front}/state`, `lockbridge/${front}/activity`]);
      await c.waitFor(`lockbridge/${front}/state`, (j) => isRecord(j) && j.state === 'LOCKED');
      // Push is up once the emulator holds a subscribe (PubNub) or an open socket (Socket.IO).
      await until(() => emu.live.connected > 0, 'live updates connected');
      const reads = () => emu.server.requestsTo('GET', /^\/(users\/locks\/mine|locks\/[^/]+)$/).length;
      const before = reads();

      const other = new RawClient(emu, emu.family, brand === 'august' ? 'august' : 'yale');
      // Another app of the same user (a password login where the brand still has one).
      if (family === 'aaecosystem') other.token = emu.issueAccessToken(home.owner.userId, 'other-app');
      else await other.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
      assert.equal((await other.call('PUT', `/remoteoperate/${home.frontDoor.LockID}/unlock`)).status, 200);

      await c.waitFor(`lockbridge/${front}/state`, (j) => isRecord(j) && j.state === 'UNLOCKED');
      assert.equal(reads(), before, 'the state came by push: no lock was read');
      const activity = await c.waitFor(
        `lockbridge/${front}/activity`,
        (j) => isRecord(j) && j.action === 'UNLOCKED',
      );
      const action = JSON.parse(activity.payload.toString()) as Record<string, unknown>;
      assert.equal(action.how, 'remote');
      assert.equal(action.who, 'Alex Demo');
    });
  });
}
