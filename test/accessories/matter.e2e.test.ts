import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEAM_EMULATOR_API_KEY, SeamEmulator } from '../../src/emulators/seam/server';
import {
  HomebridgeHome,
  HomebridgeProcess,
  newIdentity,
  udpPortsOf,
} from '../support/homebridge/homebridge-process';
import { currentLine } from '../support/homebridge/lines';
import {
  MatterTestController,
  controllerAvailable,
  matterGeneralDir,
  type MatterLockEndpoint,
} from '../support/matter/matter-controller';
import { usesLine2 } from '../support/runtime-line';

/**
 * End to end over Matter (issue 19), line 2 only: a real Homebridge 2 child with `bridge.matter` on,
 * the plugin configured with a Seam account on the emulator, commissioned by matter.js as the
 * controller by known address over loopback with the passcode and discriminator from Homebridge's
 * commissioning.json. No mDNS anywhere: HAP's advertiser is the no-op preload, and matter.js's mDNS
 * socket is replaced in the child (silent-mdns-preload.mjs) and in this process (silent-mdns.cjs).
 */
const READY = /Matter: (\d+) door lock\(s\)/;
const MATTER_STATUS_FAILURE = 0x01;

/** A UDP port free on both stacks now; Homebridge's Matter port cannot be 0 (it wants 1025-65534). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp6', ipv6Only: false });
    socket.once('error', reject);
    socket.bind(0, '::', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The status code a matter.js StatusResponseError carries. */
function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

describe('Matter end to end (Homebridge 2, matter.js controller)', function () {
  this.timeout(90_000);
  let emulator: SeamEmulator;
  let home: HomebridgeHome;
  let bridge: HomebridgeProcess | undefined;
  let controller: MatterTestController | undefined;
  let locks: MatterLockEndpoint[];
  const figures: string[] = [];

  before(async function () {
    if (!usesLine2()) {
      console.log('      (Matter end to end skipped: it needs test line 2, Homebridge 2 on Node 22)');
      this.skip();
    }
    const general = matterGeneralDir();
    if (!general || !controllerAvailable()) {
      throw new Error('Line 2 has no matter.js controller: run `npm run install:line2`');
    }
    emulator = new SeamEmulator({ timings: 'fast', seed: true });
    const url = await emulator.listen();
    home = new HomebridgeHome();
    const identity = newIdentity();
    let port = 0;
    // A free port can be taken between the check and Homebridge's bind: then try another.
    for (let attempt = 1; ; attempt++) {
      port = await freeUdpPort();
      home.writeConfig(
        identity,
        [
          {
            platform: 'Lockbridge',
            name: 'Lockbridge',
            accounts: [
              {
                vendor: 'seam',
                id: 'home',
                apiKey: SEAM_EMULATOR_API_KEY,
                baseUrl: url,
                eventPollSeconds: 1,
              },
            ],
            polling: { intervalSeconds: 1, maxIntervalSeconds: 2 },
            commands: { timeoutSeconds: 10 },
          },
        ],
        { bind: ['lo'], matter: { port } },
      );
      const started = Date.now();
      bridge = HomebridgeProcess.start(home, currentLine(), {
        nodeArgs: ['--import', join(__dirname, '..', 'support', 'matter', 'silent-mdns-preload.mjs')],
        env: { LOCKBRIDGE_TEST_MATTER_GENERAL: general },
      });
      try {
        await Promise.race([
          bridge.waitFor(/Matter server started successfully on port/),
          bridge.waitFor(/EADDRINUSE|Failed to start Matter server/).then(() => {
            throw new Error(`Matter did not start on port ${port} (taken?)`);
          }),
        ]);
        figures.push(`Matter server up ${Date.now() - started} ms after spawn`);
        break;
      } catch (err) {
        await bridge.kill();
        if (attempt >= 3) throw err;
      }
    }
    await bridge.waitFor(READY);
    // Homebridge writes the commissioning data (passcode, discriminator) once the server is up; with -D it says so.
    const file = (await bridge.waitFor(/Saved commissioning info to (\S+commissioning\.json)/))[1];
    const info = JSON.parse(readFileSync(file, 'utf8')) as { passcode: number; discriminator: number };
    const storage = join(home.root, 'controller');
    mkdirSync(storage);
    const t0 = Date.now();
    controller = await MatterTestController.commission({
      storage,
      host: '127.0.0.1',
      port,
      passcode: info.passcode,
      discriminator: info.discriminator,
    });
    figures.push(`commissioned and connected in ${Date.now() - t0} ms`);
    locks = await controller.doorLocks();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(bridge?.log.slice(-6000));
  });

  after(async () => {
    if (figures.length > 0) console.log(`      (${figures.join('; ')})`);
    await controller?.close();
    await bridge?.kill();
    await emulator?.close();
    home?.remove();
  });

  it('publishes each lock that can lock or unlock as a DoorLock, beside its HAP accessory', async () => {
    const devices = [...emulator.state.devices.values()].filter((d) => /lock/.test(d.device_type));
    assert.deepEqual(locks.map((l) => l.name).sort(), devices.map((d) => d.display_name).sort());
    assert.equal(Number(bridge!.log.match(READY)?.[1]), devices.length);
    assert.match(bridge!.log, /Lockbridge is running: \d+ lock\(s\)/, 'the HAP side runs as before');
    assert.ok(await bridge!.port(), 'the HAP bridge is published');
  });

  it('opens no mDNS socket (UDP 5353), neither in Homebridge nor in the controller', () => {
    assert.ok(!udpPortsOf(bridge!.child.pid!).includes(5353));
    assert.ok(!udpPortsOf(process.pid).includes(5353));
  });

  it('shows lockState and, where the lock has a sensor, the door', async () => {
    const front = locks.find((l) => l.name === 'Front Door')!;
    assert.equal(await front.doorLock.getLockStateAttribute(true), 1, 'Front Door is locked');
    assert.ok(front.door, 'Front Door has a door sensor');
    assert.equal(await front.door.getStateValueAttribute(true), true, 'its door is closed');
    assert.equal(locks.find((l) => l.name === 'Back Door')!.door, undefined, 'Back Door has none');
    assert.deepEqual(
      locks.filter((l) => !l.reachable).map((l) => l.name),
      ['Garage Side Door'],
      'the offline lock is unreachable',
    );
    assert.doesNotMatch(bridge!.log, /Matter: .* failed/, 'every Matter update went through');
  });

  it('unlocks and locks through Matter: the emulator receives each command', async () => {
    const front = locks.find((l) => l.name === 'Front Door')!;
    const device = [...emulator.state.devices.values()].find((d) => d.display_name === 'Front Door')!;
    let t = Date.now();
    await front.doorLock.unlockDoor({});
    figures.push(`unlock round trip ${Date.now() - t} ms`);
    assert.equal(emulator.server.requestsTo('POST', '/locks/unlock_door').length, 1);
    assert.equal(device.properties.locked, false);
    assert.equal(await front.doorLock.getLockStateAttribute(true), 2);
    t = Date.now();
    await front.doorLock.lockDoor({});
    figures.push(`lock round trip ${Date.now() - t} ms`);
    assert.equal(emulator.server.requestsTo('POST', '/locks/lock_door').length, 1);
    assert.equal(device.properties.locked, true);
    assert.equal(await front.doorLock.getLockStateAttribute(true), 1);
  });

  it('answers a vendor failure with a Matter error, and lockState does not change', async () => {
    const back = locks.find((l) => l.name === 'Back Door')!;
    const device = [...emulator.state.devices.values()].find((d) => d.display_name === 'Back Door')!;
    assert.equal(device.properties.locked, true);
    const before = emulator.server.requestsTo('POST', '/locks/unlock_door').length;
    emulator.faults.add({
      count: 1,
      method: 'POST',
      path: /\/locks\/unlock_door/,
      status: 400,
      message: 'refused',
    });
    await assert.rejects(back.doorLock.unlockDoor({}), (err: unknown) => {
      assert.equal(statusOf(err), MATTER_STATUS_FAILURE, String(err));
      return true;
    });
    assert.equal(emulator.server.requestsTo('POST', '/locks/unlock_door').length, before + 1);
    assert.equal(device.properties.locked, true);
    assert.equal(await back.doorLock.getLockStateAttribute(true), 1, 'still locked over Matter');
    assert.match(bridge!.log, /Back Door: unlock over Matter failed/);
  });
});
