import { strict as assert } from 'node:assert';
import { SEAM_EMULATOR_API_KEY, SeamEmulator } from '../../src/emulators/seam/server';
import {
  Controller,
  HAP,
  SERVICE_COMMUNICATION_FAILURE,
  charId,
  type HapAccessory,
} from '../support/homebridge/hap-client';
import {
  HomebridgeHome,
  HomebridgeProcess,
  newIdentity,
  udpPortsOf,
  type BridgeIdentity,
} from '../support/homebridge/homebridge-process';
import { currentLine } from '../support/homebridge/lines';

/**
 * End to end: a real Homebridge child process (the line of the running Node), the plugin loaded from
 * the built package through -P, configured with a Seam account whose base URL is an emulator in this
 * process, paired with a real HomeKit controller (hap-controller) over 127.0.0.1. No mDNS: the
 * advertiser is replaced by a no-op preload.
 */
const line = currentLine();
const READY = /Lockbridge is running: (\d+) lock\(s\)/;

interface LockView {
  name: string;
  serial: string;
  aid: number;
  current: string;
  target: string;
}

function lockViews(accessories: HapAccessory[]): LockView[] {
  const out: LockView[] = [];
  for (const a of accessories) {
    const info = a.services.find((s) => s.type === HAP.service.info);
    const name = String(info?.characteristics.find((c) => c.type === HAP.char.name)?.value ?? '');
    const serial = String(info?.characteristics.find((c) => c.type === HAP.char.serial)?.value ?? '');
    const isMain = (s: { characteristics: Array<{ type: string; value: unknown }> }) =>
      !String(s.characteristics.find((c) => c.type === HAP.char.name)?.value ?? '').endsWith(' Unlatch');
    const current = charId(a, HAP.service.lockMechanism, HAP.char.lockCurrent, isMain);
    const target = charId(a, HAP.service.lockMechanism, HAP.char.lockTarget, isMain);
    if (current && target) out.push({ name, serial, aid: a.aid, current, target });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe(`Homebridge end to end (${line.name})`, function () {
  this.timeout(60_000);
  let emulator: SeamEmulator;
  let home: HomebridgeHome;
  let identity: BridgeIdentity;
  let bridge: HomebridgeProcess | undefined;
  let controller: Controller | undefined;
  let locks: LockView[];

  before(async () => {
    emulator = new SeamEmulator({ timings: 'fast', seed: true });
    const url = await emulator.listen();
    home = new HomebridgeHome();
    identity = newIdentity();
    home.writeConfig(identity, [
      {
        platform: 'Lockbridge',
        name: 'Lockbridge',
        accounts: [
          { vendor: 'seam', id: 'home', apiKey: SEAM_EMULATOR_API_KEY, baseUrl: url, eventPollSeconds: 1 },
        ],
        polling: { intervalSeconds: 1, maxIntervalSeconds: 2 },
        commands: { timeoutSeconds: 10 },
      },
    ]);
    bridge = HomebridgeProcess.start(home, line);
    await bridge.waitFor(READY);
    controller = await Controller.pair(identity, await bridge.port());
    locks = lockViews(await controller.accessories());
    await controller.subscribe(locks.flatMap((l) => [l.current, l.target]));
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(bridge?.log.slice(-6000));
  });

  after(async () => {
    await controller?.close();
    await bridge?.kill();
    await emulator?.close();
    home?.remove();
  });

  it('loads the plugin and shows every lock of the account, with its information', async () => {
    const logged = Number(bridge!.log.match(READY)?.[1]);
    const devices = [...emulator.state.devices.values()].filter((d) => /lock/.test(d.device_type));
    assert.equal(locks.length, logged);
    assert.equal(locks.length, devices.length);
    assert.deepEqual(locks.map((l) => l.name).sort(), devices.map((d) => d.display_name).sort());
    assert.ok(
      locks.find((l) => l.serial === 'NUKI-3P-0001'),
      'serial numbers come from the vendor',
    );
    assert.doesNotMatch(bridge!.log, /seam_emulator_demo_apikey/, 'the API key never reaches the log');
  });

  it('announces nothing on the network: the child holds no mDNS (UDP 5353) socket', () => {
    assert.ok(bridge!.child.pid);
    assert.ok(!udpPortsOf(bridge!.child.pid!).includes(5353));
  });

  it('reads every lock: the state of online locks, "No Response" for the offline one', async () => {
    const answers = await controller!.read(locks.flatMap((l) => [l.current, l.target]));
    for (const lock of locks) {
      const device = [...emulator.state.devices.values()].find((d) => d.display_name === lock.name)!;
      const answer = answers.get(lock.current)!;
      if (device.properties.online === false) {
        assert.equal(answer.status, SERVICE_COMMUNICATION_FAILURE, `${lock.name} is offline`);
      } else {
        assert.equal(answer.status ?? 0, 0, `${lock.name} answers`);
        assert.equal(answer.value, device.properties.locked ? 1 : 0, `${lock.name} current state`);
        assert.equal(
          answers.get(lock.target)!.value,
          device.properties.locked ? 1 : 0,
          `${lock.name} target`,
        );
      }
    }
  });

  it('unlocks a lock: the emulator receives the command and the new state comes back as an event', async () => {
    const front = locks.find((l) => l.name === 'Front Door')!;
    const device = [...emulator.state.devices.values()].find((d) => d.display_name === 'Front Door')!;
    assert.equal(device.properties.locked, true);
    const since = controller!.mark();
    await controller!.write(front.target, 0);
    const unlocked = controller!.waitForEvent(front.current, (v) => v === 0, since);
    assert.equal(await unlocked, 0);
    assert.equal(emulator.server.requestsTo('POST', '/locks/unlock_door').length, 1);
    assert.equal(device.properties.locked, false);
    assert.equal((await controller!.readOne(front.target)).value, 0);
  });

  it('follows a physical change: current and target move together', async () => {
    const front = locks.find((l) => l.name === 'Front Door')!;
    const device = [...emulator.state.devices.values()].find((d) => d.display_name === 'Front Door')!;
    const since = controller!.mark();
    emulator.simulateManual(device.device_id, true);
    assert.equal(await controller!.waitForEvent(front.target, (v) => v === 1, since), 1);
    assert.equal(await controller!.waitForEvent(front.current, (v) => v === 1, since), 1);
    assert.equal((await controller!.readOne(front.current)).value, 1);
  });

  it('answers "No Response" during a vendor outage, and recovers after it', async () => {
    const back = locks.find((l) => l.name === 'Back Door')!;
    assert.equal((await controller!.readOne(back.current)).status ?? 0, 0);
    emulator.faults.add({ count: Number.POSITIVE_INFINITY, status: 503, message: 'Service Unavailable' });
    await until('No Response', async () =>
      (await controller!.readOne(back.current)).status === SERVICE_COMMUNICATION_FAILURE ? true : undefined,
    );
    emulator.faults.clear();
    await until('recovery', async () =>
      ((await controller!.readOne(back.current)).status ?? 0) === 0 ? true : undefined,
    );
    assert.doesNotMatch(bridge!.log, /unhandled|UnhandledPromiseRejection/i);
  });

  it('keeps the same accessories (aids and serial numbers) across a restart', async () => {
    const before = locks.map((l) => `${l.aid}:${l.serial}:${l.current}`);
    const pairing = controller!.pairing;
    await controller!.close();
    controller = undefined;
    await bridge!.kill();
    bridge = HomebridgeProcess.start(home, line);
    await bridge.waitFor(READY);
    assert.match(bridge.log, /Loaded \d+ cached accessories|cached accessor/i);
    controller = new Controller(identity, await bridge.port(), pairing);
    const after = lockViews(await controller.accessories()).map((l) => `${l.aid}:${l.serial}:${l.current}`);
    assert.deepEqual(after, before);
    assert.doesNotMatch(bridge.log, /Added /, 'no lock was added again');
  });
});

/**
 * What each kind of lock becomes in Apple Home (issue 17, item 1), through the sandbox's SmartphoneKey
 * (open only) and Unloc (no remote action) emulators started inside the Homebridge child.
 */
describe(`Homebridge end to end: locks by what they can do (${line.name})`, function () {
  this.timeout(60_000);
  let home: HomebridgeHome;
  let identity: BridgeIdentity;
  let bridge: HomebridgeProcess | undefined;
  let controller: Controller | undefined;
  let accessories: HapAccessory[];

  const infoOf = (a: HapAccessory, type: string) =>
    String(
      a.services.find((s) => s.type === HAP.service.info)?.characteristics.find((c) => c.type === type)
        ?.value ?? '',
    );

  before(async () => {
    home = new HomebridgeHome();
    identity = newIdentity();
    home.writeConfig(identity, [
      {
        platform: 'Lockbridge',
        name: 'Lockbridge',
        accounts: [{ vendor: 'sandbox', id: 'demo', vendors: ['smartphonekey', 'unloc'] }],
        polling: { intervalSeconds: 1, maxIntervalSeconds: 2 },
        commands: { timeoutSeconds: 10 },
      },
    ]);
    bridge = HomebridgeProcess.start(home, line);
    await bridge.waitFor(READY);
    controller = await Controller.pair(identity, await bridge.port());
    accessories = (await controller.accessories()).filter((a) => a.aid !== 1);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(bridge?.log.slice(-6000));
  });

  after(async () => {
    await controller?.close();
    await bridge?.kill();
    home?.remove();
  });

  it('gives a lock with no remote action (Unloc) no accessory, with one log line saying why', () => {
    const skipped = [...bridge!.log.matchAll(/Skipped (.+?) \(unloc\): ([^\n]+)/g)];
    assert.ok(skipped.length >= 2, 'the sandbox account sees at least two Unloc locks');
    for (const s of skipped) assert.match(s[2], /no remote lock, unlock or open/);
    assert.equal(new Set(skipped.map((s) => s[1])).size, skipped.length, 'one line per lock');
    assert.deepEqual(
      [...new Set(accessories.map((a) => infoOf(a, HAP.char.manufacturer)))],
      ['SmartphoneKey'],
      'only the SmartphoneKey locks are accessories',
    );
    assert.match(bridge!.log, new RegExp(`\\(${skipped.length} without remote action skipped\\)`));
  });

  it('shows a SmartphoneKey lock as a momentary lock: it opens on "unlock" and returns to secured', async () => {
    const front = accessories.find((a) => infoOf(a, HAP.char.name) === 'Front Door')!;
    assert.ok(front, 'the SmartphoneKey Front Door is an accessory');
    const locks = front.services.filter((s) => s.type === HAP.service.lockMechanism);
    assert.equal(locks.length, 1, 'one lock control, no separate Unlatch');
    const current = charId(front, HAP.service.lockMechanism, HAP.char.lockCurrent)!;
    const target = charId(front, HAP.service.lockMechanism, HAP.char.lockTarget)!;
    const at = await controller!.read([current, target]);
    assert.equal(at.get(current)!.value, 1, 'at rest it is secured');
    assert.equal(at.get(target)!.value, 1);
    await controller!.subscribe([current, target]);

    const spkUrl = bridge!.log.match(/Sandbox: smartphonekey emulator at (http:\/\/127\.0\.0\.1:\d+)/)![1];
    const opens = async () => {
      const res = await fetch(`${spkUrl}/_emulator/requests`);
      const body = (await res.json()) as { requests: Array<{ method: string; path: string }> };
      return body.requests.filter((r) => r.method === 'POST' && /^\/locks\/\d+\/OpenLock$/.test(r.path));
    };
    assert.equal((await opens()).length, 0);
    const since = controller!.mark();
    await controller!.write(target, 0);
    assert.equal(await controller!.waitForEvent(target, (v) => v === 1, since), 1, 'back to secured');
    const sent = await opens();
    assert.equal(sent.length, 1, 'one open reached SmartphoneKey');
    assert.match(sent[0].path, /^\/locks\/1001\/OpenLock$/);
    assert.equal((await controller!.readOne(current)).value, 1);
    assert.doesNotMatch(bridge!.log, /open failed|unhandled/i);
  });
});
