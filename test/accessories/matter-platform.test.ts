import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockbridgePlatform, type SourceStarter } from '../../accessories/platform';
import { parsePlatformConfig } from '../../accessories/platform-config';
import type { MatterAccessory, MatterApi } from '../../accessories/matter/matter-api';
import { MATTER_STATUS, matterStatusOf } from '../../accessories/matter/matter-status';
import { matterUuid } from '../../accessories/matter/matter-locks';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import {
  FakeApi,
  asPlatformAccessory,
  fakeLog,
  hap,
  type LogLine,
  type TestPlatformAccessory,
} from '../support/homebridge/fake-api';

/**
 * The platform's Matter side over a recording stand-in for Homebridge 2's `api.matter` (the real one
 * is exercised end to end in matter.e2e.test.ts, line 2): what is published when, and that
 * Homebridge 1.x and 2.x without Matter see exactly the HAP accessories they saw before.
 */
class FakeMatter implements MatterApi {
  readonly uuid = hap.uuid;
  readonly deviceTypes = { DoorLock: { name: 'DoorLock' }, ContactSensor: { name: 'ContactSensor' } };
  readonly registered = new Map<string, MatterAccessory>();
  readonly states: Array<{
    uuid: string;
    cluster: string;
    attributes: Record<string, unknown>;
    part?: string;
  }> = [];

  async registerPlatformAccessories(_p: string, _n: string, accessories: MatterAccessory[]): Promise<void> {
    for (const a of accessories) this.registered.set(a.UUID, a);
  }
  readonly unregistered: string[] = [];
  async unregisterPlatformAccessories(_p: string, _n: string, accessories: Array<{ UUID: string }>) {
    for (const a of accessories) {
      this.unregistered.push(a.UUID);
      this.registered.delete(a.UUID);
    }
  }
  async updateAccessoryState(
    uuid: string,
    cluster: string,
    attributes: Record<string, unknown>,
    part?: string,
  ) {
    this.states.push({ uuid, cluster, attributes, part });
  }
  async getAccessoryState(uuid: string, cluster: string) {
    return this.registered.get(uuid)?.clusters[cluster];
  }
  byName(name: string): MatterAccessory {
    const found = [...this.registered.values()].find((a) => a.displayName === name);
    assert.ok(found, `Matter accessory ${name}`);
    return found;
  }
}

type Host = 'homebridge1' | 'matter-off' | 'matter-on';

function apiFor(storage: string, host: Host): { api: FakeApi; matter?: FakeMatter } {
  const api = new FakeApi(storage);
  if (host === 'homebridge1') return { api };
  const matter = host === 'matter-on' ? new FakeMatter() : undefined;
  Object.assign(api, { isMatterEnabled: () => host === 'matter-on', matter });
  return { api, matter };
}

async function eventually(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out: ${what}`);
}

describe('Matter door locks in the Homebridge platform (fake api.matter)', () => {
  let fixture: HubFixture;
  let storage: string;
  const stops: FakeApi[] = [];

  async function launch(
    host: Host,
    options: {
      block?: Record<string, unknown>;
      hub?: { commandExpiryMs: number };
      published?: number;
      cached?: TestPlatformAccessory[];
      matterCached?: Array<{ UUID: string; context: { account: string } }>;
    } = {},
  ) {
    const { block = {}, hub, published = 3, cached = [], matterCached = [] } = options;
    if (hub) {
      await fixture.stop();
      fixture = await startHubFixture({ hub });
    }
    const { api, matter } = apiFor(storage, host);
    const logs: LogLine[] = [];
    const inject: SourceStarter = async () => ({
      source: fixture.hub,
      sandbox: [],
      stop: async () => undefined,
    });
    const config = {
      platform: 'Lockbridge',
      name: 'Lockbridge',
      accounts: [{ vendor: 'sandbox', id: 'x' }],
      ...block,
    };
    const platform = new LockbridgePlatform(fakeLog(logs), config, api.asApi(), inject);
    for (const a of cached) platform.configureAccessory(asPlatformAccessory(a.restored()));
    for (const a of matterCached) platform.configureMatterAccessory(a);
    api.emit('didFinishLaunching');
    stops.push(api);
    await eventually('launch', () => logs.some((l) => /Lockbridge is running/.test(l.message)));
    if (matter && published > 0)
      await eventually('Matter registration', () => matter.registered.size === published);
    return { api, matter, logs, platform };
  }

  beforeEach(async () => {
    storage = mkdtempSync(join(tmpdir(), 'lockbridge-matter-'));
    fixture = await startHubFixture();
  });

  afterEach(async () => {
    for (const api of stops.splice(0)) api.emit('shutdown');
    await fixture.stop();
    await new Promise((r) => setTimeout(r, 50));
    rmSync(storage, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  });

  it('on Homebridge 1.x and on 2.x without Matter: the same HAP accessories, nothing else', async () => {
    const one = await launch('homebridge1');
    const off = await launch('matter-off');
    const names = (api: FakeApi) => api.registered.map((a) => `${a.UUID}:${a.displayName}`).sort();
    assert.equal(one.api.registered.length, 3);
    assert.deepEqual(names(off.api), names(one.api));
    for (const { logs } of [one, off])
      assert.ok(!logs.some((l) => /Matter/.test(l.message)), 'no Matter line');
  });

  it('with Matter on: each lock is also a DoorLock with its state, and its door where it has a sensor', async () => {
    const { api, matter, logs } = await launch('matter-on');
    assert.equal(api.registered.length, 3, 'the HAP accessories stay');
    const front = matter!.byName('Front Door');
    assert.equal(front.deviceType, matter!.deviceTypes.DoorLock);
    assert.equal(front.clusters.doorLock.lockState, 1, 'locked');
    assert.equal(matter!.byName('Back Door').clusters.doorLock.lockState, 2, 'unlocked');
    assert.equal(front.serialNumber, 'SN-front');
    assert.deepEqual(
      matter!.byName('Garage').parts?.map((p) => [p.id, p.deviceType, p.clusters.booleanState.stateValue]),
      [['door', matter!.deviceTypes.ContactSensor, false]],
      'the garage door is open',
    );
    assert.ok(logs.some((l) => /Matter: 3 door lock\(s\) beside the HomeKit accessories/.test(l.message)));
  });

  it('follows the hub: a physical change reaches lockState', async () => {
    const { matter } = await launch('matter-on');
    const uuid = matter!.byName('Front Door').UUID;
    fixture.emulator.physical('front', 'unlocked');
    await eventually('lockState 2', () =>
      matter!.states.some((s) => s.uuid === uuid && s.cluster === 'doorLock' && s.attributes.lockState === 2),
    );
  });

  it('unlocks from Matter only when the vendor did: a vendor failure rejects the handler', async () => {
    const { matter, logs } = await launch('matter-on');
    const front = matter!.byName('Front Door');
    fixture.emulator.server.faults.add({
      count: 1,
      method: 'POST',
      path: /commands/,
      status: 400,
      message: 'no',
    });
    await assert.rejects(front.handlers!.doorLock.unlockDoor(), /vendor|400|refused|rejected/i);
    assert.equal(fixture.emulator.locks.get('front')!.state, 'locked');
    assert.ok(
      logs.some((l) => l.level === 'warn' && /Front Door: unlock over Matter failed/.test(l.message)),
    );
    await front.handlers!.doorLock.unlockDoor();
    assert.equal(fixture.emulator.locks.get('front')!.state, 'unlocked');
  });

  it('never sends a command after its Matter deadline (the configured expiry, at most 10 s): it expires in the queue', async () => {
    const { matter } = await launch('matter-on', { block: { commands: { expirySeconds: 1 } } });
    // A slow command from elsewhere holds the lock's queue for longer than the Matter command may wait.
    fixture.emulator.server.faults.add({ count: 1, method: 'POST', path: /commands/, latencyMs: 1500 });
    const slow = fixture.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' });
    await eventually(
      'the slow command reached the vendor',
      () => fixture.emulator.server.requestsTo('POST', '/locks/front/commands').length === 1,
    );
    await assert.rejects(matter!.byName('Front Door').handlers!.doorLock.lockDoor(), /\(expired\)/);
    await slow;
    assert.deepEqual(
      fixture.emulator.commands.map((c) => c.command.toUpperCase()),
      ['UNLOCK'],
      'the expired lock command never reached the vendor',
    );
    assert.equal(matterStatusOf('expired'), MATTER_STATUS.timeout);
    assert.equal(matterStatusOf('vendor_error'), MATTER_STATUS.failure);
    assert.equal(matterStatusOf('lock_busy'), MATTER_STATUS.busy);
  });

  it('restores cached Matter locks by UUID: registers the present ones once, unregisters the gone one', async () => {
    const front = matterUuid(new FakeMatter(), { vendor: 'testvendor', vendorLockId: 'front' });
    const gone = matterUuid(new FakeMatter(), { vendor: 'testvendor', vendorLockId: 'sold' });
    const { matter } = await launch('matter-on', {
      matterCached: [
        { UUID: front, context: { account: 'tv' } },
        { UUID: gone, context: { account: 'tv' } },
      ],
    });
    assert.ok(matter!.registered.has(front));
    await eventually('the gone lock is unregistered', () => matter!.unregistered.includes(gone));
    assert.deepEqual(matter!.unregistered, [gone]);
  });

  it('turns off with matter.enabled false, and HAP off with matter.hap false (removing cached HAP accessories)', async () => {
    // Off: no Matter part is even created, so nothing can be published later either.
    const off = await launch('matter-on', { block: { matter: { enabled: false } }, published: 0 });
    assert.equal(off.matter!.registered.size, 0);
    assert.equal(off.api.registered.length, 3);
    const noHap = await launch('matter-on', {
      block: { matter: { hap: false } },
      cached: off.api.registered,
    });
    assert.equal(noHap.api.registered.length, 0);
    assert.equal(noHap.api.unregistered.length, 3, 'the cached HAP accessories are removed');
    assert.equal(noHap.matter!.registered.size, 3);
    assert.ok(noHap.logs.some((l) => /HomeKit accessories off/.test(l.message)));
  });

  it('refuses an unknown or mistyped matter setting with a message naming the field', () => {
    const bad = parsePlatformConfig({
      platform: 'Lockbridge',
      accounts: [{ vendor: 'sandbox', id: 'x' }],
      matter: { enabled: 'yes', pins: true },
    });
    assert.equal(bad.kind, 'invalid');
    if (bad.kind === 'invalid') {
      assert.match(bad.error.message, /matter\.enabled must be boolean/);
      assert.match(bad.error.message, /matter\.pins is not a known setting/);
    }
    assert.equal(
      parsePlatformConfig({
        platform: 'Lockbridge',
        accounts: [{ vendor: 'sandbox', id: 'x' }],
        matter: { hap: false },
      }).kind,
      'accounts',
    );
  });
});
