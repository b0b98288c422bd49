import { strict as assert } from 'node:assert';
import { createCodeService } from '../../src/pins';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockbridgePlatform, accessoryUuid } from '../../accessories/platform';
import type { SourceStarter } from '../../accessories/platform';
import type { LockEvent } from '../../src/core/events';
import type { LockSource } from '../../src/core/lock-source';
import type { Capability, Lock } from '../../src/core/model';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import {
  FakeApi,
  asPlatformAccessory,
  fakeLog,
  hap,
  type LogLine,
  type TestPlatformAccessory,
} from '../support/homebridge/fake-api';

const { Characteristic, Service, HAPStatus } = hap;
const NO_RESPONSE = HAPStatus.SERVICE_COMMUNICATION_FAILURE;
// A valid block (validation is tested in platform-config.test.ts); the source is the injected hub.
const CONFIG = { platform: 'Lockbridge', name: 'Lockbridge', accounts: [{ vendor: 'sandbox', id: 'x' }] };

type Char = InstanceType<typeof Characteristic>;
interface Rig {
  api: FakeApi;
  platform: LockbridgePlatform;
  logs: LogLine[];
  launched: Promise<void>;
}

function uuidOf(id: string): string {
  return accessoryUuid(hap, { vendor: 'testvendor', vendorLockId: id });
}

function accessoryOf(api: FakeApi, id: string): TestPlatformAccessory {
  const a = api.registered.find((r) => r.UUID === uuidOf(id));
  assert.ok(a, `accessory for ${id}`);
  return a;
}

function mainLock(a: TestPlatformAccessory) {
  const s = a.services.find((x) => x.UUID === Service.LockMechanism.UUID && !x.subtype);
  assert.ok(s);
  return s;
}

/**
 * The hub with some locks declaring other capabilities (as a SmartphoneKey or Unloc lock would), the
 * rest passed through: the test vendor's locks can all lock and unlock.
 */
function withCapabilities(hub: LockSource, caps: Record<string, Capability[]>): LockSource {
  const reshape = (lock: Lock): Lock =>
    caps[lock.vendorLockId] ? { ...lock, capabilities: caps[lock.vendorLockId] } : lock;
  return new Proxy(hub, {
    get(target, prop) {
      if (prop === 'listLocks') return async () => (await target.listLocks()).map(reshape);
      if (prop === 'subscribe') {
        return (listener: (e: LockEvent) => void) =>
          target.subscribe((e) => listener('lock' in e ? ({ ...e, lock: reshape(e.lock) } as LockEvent) : e));
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function read(c: Char): Promise<unknown> {
  return c.handleGetRequest();
}

async function readStatus(c: Char): Promise<number> {
  try {
    await c.handleGetRequest();
    return 0;
  } catch (status) {
    return status as number;
  }
}

async function eventually(what: string, probe: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out: ${what}`);
}

describe('Homebridge platform over a LockSource (real hap-nodejs, fake Homebridge API)', () => {
  let fixture: HubFixture;
  let storage: string;
  const rigs: Rig[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  function start(
    cached: TestPlatformAccessory[] = [],
    starter?: SourceStarter,
    config: object = CONFIG,
  ): Rig {
    const api = new FakeApi(storage);
    const logs: LogLine[] = [];
    const inject: SourceStarter =
      starter ?? (async () => ({ source: fixture.hub, sandbox: [], stop: async () => undefined }));
    const platform = new LockbridgePlatform(fakeLog(logs), config as typeof CONFIG, api.asApi(), inject);
    for (const a of cached) platform.configureAccessory(asPlatformAccessory(a));
    const launched = new Promise<void>((resolve) => {
      const check = () =>
        logs.some((l) => /Lockbridge is running/.test(l.message)) ? resolve() : setTimeout(check, 10);
      check();
    });
    api.emit('didFinishLaunching');
    const rig = { api, platform, logs, launched };
    rigs.push(rig);
    return rig;
  }

  beforeEach(async () => {
    process.on('unhandledRejection', onUnhandled);
    storage = mkdtempSync(join(tmpdir(), 'lockbridge-platform-'));
    fixture = await startHubFixture();
  });

  afterEach(async () => {
    for (const r of rigs.splice(0)) r.api.emit('shutdown');
    await fixture.stop();
    // Shutdown is not awaited by Homebridge either; let the last status write land before cleanup.
    await new Promise((r) => setTimeout(r, 50));
    rmSync(storage, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled.splice(0), [], 'no unhandled rejection');
  });

  it('registers one accessory per lock, with a stable UUID and the services each lock has', async () => {
    const { api, launched } = start();
    await launched;
    assert.equal(api.registered.length, 3);
    const front = accessoryOf(api, 'front');
    assert.equal(front.category, hap.Categories.DOOR_LOCK);
    assert.deepEqual(front.context, {
      lockId: 'testvendor_front',
      vendor: 'testvendor',
      vendorLockId: 'front',
      account: 'tv',
    });
    const types = (a: TestPlatformAccessory) => a.services.map((s) => `${s.UUID}:${s.subtype ?? ''}`).sort();
    assert.ok(front.getService(Service.LockManagement));
    assert.ok(front.getService(Service.Battery));
    assert.ok(front.getServiceById(Service.ContactSensor, 'door'));
    const unlatch = front.getServiceById(Service.LockMechanism, 'unlatch');
    assert.equal(unlatch?.getCharacteristic(Characteristic.Name).value, 'Front Door Unlatch');
    // "back" cannot open: no unlatch control.
    const back = accessoryOf(api, 'back');
    assert.equal(back.getServiceById(Service.LockMechanism, 'unlatch'), undefined);
    assert.equal(types(back).length, types(front).length - 1);
    const info = front.getService(Service.AccessoryInformation)!;
    assert.equal(info.getCharacteristic(Characteristic.Manufacturer).value, 'Test Vendor');
    assert.equal(info.getCharacteristic(Characteristic.Model).value, 'TV-1');
    assert.equal(info.getCharacteristic(Characteristic.SerialNumber).value, 'SN-front');
    assert.equal(info.getCharacteristic(Characteristic.FirmwareRevision).value, '1.0.0');
  });

  it('maps state, door and battery to HAP values on read', async () => {
    const { api, launched } = start();
    await launched;
    const front = accessoryOf(api, 'front');
    const back = accessoryOf(api, 'back');
    const garage = accessoryOf(api, 'garage');
    assert.equal(
      await read(mainLock(front).getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.SECURED,
    );
    assert.equal(
      await read(mainLock(front).getCharacteristic(Characteristic.LockTargetState)),
      Characteristic.LockTargetState.SECURED,
    );
    assert.equal(
      await read(mainLock(back).getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.UNSECURED,
    );
    assert.equal(
      await read(mainLock(back).getCharacteristic(Characteristic.LockTargetState)),
      Characteristic.LockTargetState.UNSECURED,
    );
    const door = (a: TestPlatformAccessory) =>
      a.getServiceById(Service.ContactSensor, 'door')!.getCharacteristic(Characteristic.ContactSensorState);
    assert.equal(await read(door(front)), Characteristic.ContactSensorState.CONTACT_DETECTED);
    assert.equal(await read(door(garage)), Characteristic.ContactSensorState.CONTACT_NOT_DETECTED);
    const battery = front.getService(Service.Battery)!;
    assert.equal(await read(battery.getCharacteristic(Characteristic.BatteryLevel)), 90);
    assert.equal(
      await read(battery.getCharacteristic(Characteristic.StatusLowBattery)),
      Characteristic.StatusLowBattery.BATTERY_LEVEL_NORMAL,
    );
  });

  it('unlocks from HomeKit: the vendor gets the command, current state follows, target stays', async () => {
    const { api, launched } = start();
    await launched;
    const lock = mainLock(accessoryOf(api, 'front'));
    await lock
      .getCharacteristic(Characteristic.LockTargetState)
      .handleSetRequest(Characteristic.LockTargetState.UNSECURED);
    await eventually(
      'unlocked',
      () =>
        lock.getCharacteristic(Characteristic.LockCurrentState).value ===
        Characteristic.LockCurrentState.UNSECURED,
    );
    assert.deepEqual(
      fixture.emulator.commands.map((c) => `${c.lockId}:${c.command}`),
      ['front:unlock'],
    );
    assert.equal(
      lock.getCharacteristic(Characteristic.LockTargetState).value,
      Characteristic.LockTargetState.UNSECURED,
    );
  });

  it('unlatches through the separate Unlatch control, which returns to secured', async () => {
    const { api, launched } = start();
    await launched;
    const unlatch = accessoryOf(api, 'front').getServiceById(Service.LockMechanism, 'unlatch')!;
    await unlatch
      .getCharacteristic(Characteristic.LockTargetState)
      .handleSetRequest(Characteristic.LockTargetState.UNSECURED);
    await eventually('open command', () => fixture.emulator.commands.some((c) => c.command === 'open'));
    await eventually(
      'back to secured',
      async () =>
        (await read(unlatch.getCharacteristic(Characteristic.LockTargetState))) ===
        Characteristic.LockTargetState.SECURED,
    );
    assert.equal(
      await read(unlatch.getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.SECURED,
    );
  });

  it('shows a lock that can only open as a momentary lock, and skips one with no remote action (removing its cached accessory)', async () => {
    const first = start();
    await first.launched;
    const cache = first.api.registered.map((a) => a.restored());
    first.api.emit('shutdown');
    fixture.emulator.physical('front', 'unlocked');
    await eventually(
      'front unlocked',
      async () => (await fixture.hub.getLock('testvendor_front')).status.state === 'UNLOCKED',
    );
    const source = withCapabilities(fixture.hub, {
      front: ['open', 'battery', 'door_sensor', 'push'],
      garage: ['battery', 'door_sensor', 'push'],
    });
    const second = start(cache, async () => ({ source, sandbox: [], stop: async () => undefined }));
    await second.launched;
    const skips = () => second.logs.filter((l) => /Skipped Garage/.test(l.message));
    assert.deepEqual(
      second.api.unregistered.map((a) => a.UUID),
      [uuidOf('garage')],
    );
    assert.equal(skips().length, 1);
    assert.match(skips()[0].message, /no remote lock, unlock or open.*cached accessory is removed/);
    assert.ok(
      second.logs.some((l) => /running: 2 lock\(s\).*1 without remote action skipped/.test(l.message)),
    );

    // The momentary lock rests at secured whatever the bolt did, and has no separate Unlatch control.
    const front = cache.find((a) => a.UUID === uuidOf('front'))!;
    const lock = mainLock(front);
    assert.equal(front.getServiceById(Service.LockMechanism, 'unlatch'), undefined);
    assert.equal(
      await read(lock.getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.SECURED,
    );
    await lock
      .getCharacteristic(Characteristic.LockTargetState)
      .handleSetRequest(Characteristic.LockTargetState.UNSECURED);
    await eventually('open command', () => fixture.emulator.commands.some((c) => c.command === 'open'));
    await eventually(
      'back to secured',
      async () =>
        (await read(lock.getCharacteristic(Characteristic.LockTargetState))) ===
        Characteristic.LockTargetState.SECURED,
    );
    assert.deepEqual(
      fixture.emulator.commands.map((c) => `${c.lockId}:${c.command}`),
      ['front:open'],
    );

    // A later state event of the skipped lock neither adds it nor logs again.
    const seen = new Promise<void>((resolve) => {
      const off = source.subscribe((e) => {
        if (e.type === 'state' && e.lock.vendorLockId === 'garage') {
          off();
          resolve();
        }
      });
    });
    fixture.emulator.physical('garage', 'unlocked');
    await seen;
    assert.equal(skips().length, 1);
    assert.equal(second.api.registered.length, 0);
  });

  it('moves the target with a physical change, so HomeKit never waits on a stale target', async () => {
    const { api, launched } = start();
    await launched;
    const lock = mainLock(accessoryOf(api, 'front'));
    fixture.emulator.physical('front', 'unlocked');
    await eventually(
      'target follows',
      () =>
        lock.getCharacteristic(Characteristic.LockTargetState).value ===
        Characteristic.LockTargetState.UNSECURED,
    );
    assert.equal(
      lock.getCharacteristic(Characteristic.LockCurrentState).value,
      Characteristic.LockCurrentState.UNSECURED,
    );
    fixture.emulator.physical('front', 'jammed');
    await eventually(
      'jammed',
      () =>
        lock.getCharacteristic(Characteristic.LockCurrentState).value ===
        Characteristic.LockCurrentState.JAMMED,
    );
    assert.equal(
      lock.getCharacteristic(Characteristic.LockTargetState).value,
      Characteristic.LockTargetState.UNSECURED,
      'a jam keeps the target',
    );
  });

  it('puts the target back when a command fails, and logs why', async () => {
    const { api, launched, logs } = start();
    await launched;
    const lock = mainLock(accessoryOf(api, 'front'));
    fixture.emulator.server.faults.add({ count: 10, status: 500, path: /commands/ });
    await lock
      .getCharacteristic(Characteristic.LockTargetState)
      .handleSetRequest(Characteristic.LockTargetState.UNSECURED);
    await eventually(
      'target reverted',
      () =>
        lock.getCharacteristic(Characteristic.LockTargetState).value ===
        Characteristic.LockTargetState.SECURED,
      10_000,
    );
    assert.equal(
      await read(lock.getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.SECURED,
    );
    assert.ok(logs.some((l) => l.level === 'warn' && /Front Door: unlock failed/.test(l.message)));
  });

  it('answers "No Response" for an offline lock, on reads and writes, and recovers', async () => {
    const { api, launched } = start();
    await launched;
    const back = accessoryOf(api, 'back');
    fixture.emulator.setOnline('back', false);
    const current = mainLock(back).getCharacteristic(Characteristic.LockCurrentState);
    await eventually('offline', async () => (await readStatus(current)) === NO_RESPONSE);
    for (const s of back.services) {
      if (s.UUID === Service.AccessoryInformation.UUID || s.UUID === Service.LockManagement.UUID) continue;
      for (const c of s.characteristics) {
        if (c.UUID === Characteristic.Name.UUID || c.UUID === Characteristic.ChargingState.UUID) continue;
        assert.equal(await readStatus(c), NO_RESPONSE, `${s.displayName} ${c.displayName}`);
      }
    }
    await assert.rejects(
      mainLock(back)
        .getCharacteristic(Characteristic.LockTargetState)
        .handleSetRequest(Characteristic.LockTargetState.SECURED),
      (s) => s === NO_RESPONSE,
    );
    assert.equal(fixture.emulator.commands.length, 0, 'nothing was sent to an offline lock');
    fixture.emulator.setOnline('back', true);
    await eventually('online', async () => (await readStatus(current)) === 0);
  });

  it('adds a new lock and removes a deleted one without a restart', async () => {
    const { api, launched } = start();
    await launched;
    fixture.emulator.addLock({ id: 'shed', name: 'Shed' });
    fixture.emulator.removeLock('garage');
    await fixture.hub.refresh();
    await eventually('shed added', () => api.registered.some((a) => a.UUID === uuidOf('shed')));
    assert.deepEqual(
      api.unregistered.map((a) => a.UUID),
      [uuidOf('garage')],
    );
    assert.equal(api.registered.length, 3);
  });

  it("stops a removed lock's access-code poll when the lock goes", async () => {
    // A hub with the code engine, so the Home app's code service polls the locks with a keypad.
    await fixture.stop();
    fixture = await startHubFixture({ codeService: (deps) => createCodeService(deps) });
    const hub = fixture.hub;
    const polled: string[] = [];
    const counting = new Proxy(hub, {
      get(target, prop) {
        if (prop === 'listCodes')
          return (lockId: string) => {
            polled.push(lockId);
            return target.listCodes(lockId);
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { api, launched } = start(
      [],
      async () => ({ source: counting, sandbox: [], stop: async () => undefined }),
      { ...CONFIG, codes: { homeKitPollSeconds: 0.05 } },
    );
    await launched;
    const reads = (lock: string) => polled.filter((id) => id === `testvendor_${lock}`).length;
    await eventually('the back door codes polled', () => reads('back') >= 1);
    fixture.emulator.removeLock('back');
    await fixture.hub.refresh();
    await eventually('back door removed', () => api.unregistered.some((a) => a.UUID === uuidOf('back')));
    const after = reads('back');
    const front = reads('front');
    await eventually('three more polls of the front door', () => reads('front') >= front + 3);
    assert.equal(reads('back'), after, 'the removed lock is not polled any more');
  });

  it('restores cached accessories by UUID, drops locks that are gone and keeps the rest without re-registering', async () => {
    const first = start();
    await first.launched;
    const cache = first.api.registered.map((a) => a.restored());
    const ghost = cache[0].restored();
    ghost.UUID = uuidOf('gone');
    ghost.context = { ...ghost.context, lockId: 'testvendor_gone', vendorLockId: 'gone' };
    const otherAccount = cache[0].restored();
    otherAccount.UUID = uuidOf('elsewhere');
    otherAccount.context = { ...otherAccount.context, account: 'removed-account' };
    first.api.emit('shutdown');
    const second = start([...cache, ghost, otherAccount]);
    await second.launched;
    assert.equal(second.api.registered.length, 0, 'nothing registered twice');
    assert.deepEqual(
      second.api.unregistered.map((a) => a.UUID).sort(),
      [uuidOf('gone'), uuidOf('elsewhere')].sort(),
    );
    // The restored accessories are live: reads and writes reach the lock.
    const front = cache.find((a) => a.UUID === uuidOf('front'))!;
    assert.equal(
      await read(mainLock(front).getCharacteristic(Characteristic.LockCurrentState)),
      Characteristic.LockCurrentState.SECURED,
    );
  });

  it('keeps accessories of an account that is down, answering "No Response" rather than cached values', async () => {
    const first = start();
    await first.launched;
    const cache = first.api.registered.map((a) => a.restored());
    first.api.emit('shutdown');
    await fixture.hub.stop();
    await fixture.emulator.stop();
    const down = await startHubFixture({ seed: false });
    down.emulator.server.faults.add({ count: Number.POSITIVE_INFINITY, status: 503 });
    const second = start(cache, async () => {
      await down.hub.refresh();
      return { source: down.hub, sandbox: [], stop: async () => undefined };
    });
    await second.launched;
    assert.equal(second.api.unregistered.length, 0);
    const front = cache.find((a) => a.UUID === uuidOf('front'))!;
    assert.equal(
      await readStatus(mainLock(front).getCharacteristic(Characteristic.LockCurrentState)),
      NO_RESPONSE,
    );
    second.api.emit('shutdown');
    await down.stop();
    fixture = await startHubFixture();
  });

  it('does not start when not configured: one clear line, no listener, nothing on disk', () => {
    const api = new FakeApi(storage);
    const logs: LogLine[] = [];
    new LockbridgePlatform(fakeLog(logs), { platform: 'Lockbridge', name: 'Lockbridge' }, api.asApi());
    assert.equal(logs.length, 1);
    assert.match(logs[0].message, /not configured/);
    assert.equal(api.listenerCount('didFinishLaunching'), 0);
    assert.equal(existsSync(join(storage, 'lockbridge')), false);
  });

  it('refuses an invalid block with a message that names the field and never shows the secret', () => {
    const api = new FakeApi(storage);
    const logs: LogLine[] = [];
    const block = {
      platform: 'Lockbridge',
      accounts: [{ vendor: 'seam', id: 'bad id!', apiKey: 'sk_live_supersecret' }],
    };
    new LockbridgePlatform(fakeLog(logs), block, api.asApi());
    assert.equal(logs.length, 1);
    assert.equal(logs[0].level, 'error');
    assert.match(logs[0].message, /accounts\[0\]\.id/);
    assert.doesNotMatch(logs[0].message, /supersecret/);
    assert.equal(api.listenerCount('didFinishLaunching'), 0);
  });

  it('logs no secret while running, and a crashing source start is logged, not thrown', async () => {
    const { logs, launched } = start();
    await launched;
    const all = logs.map((l) => l.message).join('\n');
    assert.doesNotMatch(all, new RegExp(fixture.emulator.apiKey));
    const failing = start([], async () => {
      throw new Error(`boom ${fixture.emulator.apiKey}`);
    });
    await eventually('failure logged', () => failing.logs.some((l) => /failed to start/.test(l.message)));
    assert.doesNotMatch(failing.logs.map((l) => l.message).join('\n'), new RegExp(fixture.emulator.apiKey));
  });
});
