import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockbridgePlatform, accessoryUuid } from '../../accessories/platform';
import { startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { RedactingLogger, MemorySink } from '../../src/core/logger';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { FakeApi, fakeLog, hap, type LogLine } from '../support/homebridge/fake-api';

const { Characteristic, Service } = hap;

async function eventually(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out: ${what}`);
}

/**
 * `source: "mqtt"`: the platform takes its locks from a running lockbridge daemon (its MQTT bridge)
 * instead of opening vendor connections; everything goes through the real MqttLockSource.
 */
describe('Homebridge platform with source "mqtt" (a running daemon)', () => {
  let fixture: HubFixture;
  let bridge: MqttBridge;
  let storage: string;
  let api: FakeApi;

  beforeEach(async () => {
    fixture = await startHubFixture();
    bridge = await startMqttBridge({
      source: fixture.hub,
      config: { embedded: { port: 0 } },
      logger: new RedactingLogger(new MemorySink()),
    });
    storage = mkdtempSync(join(tmpdir(), 'lockbridge-hb-mqtt-'));
  });

  afterEach(async () => {
    api?.emit('shutdown');
    await new Promise((r) => setTimeout(r, 50));
    await bridge.stop();
    await fixture.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  it('shows the daemon locks and unlocks one through it', async () => {
    const logs: LogLine[] = [];
    api = new FakeApi(storage);
    new LockbridgePlatform(
      fakeLog(logs),
      { platform: 'Lockbridge', name: 'Lockbridge', source: 'mqtt', mqtt: { url: bridge.brokerUrl } },
      api.asApi(),
    );
    api.emit('didFinishLaunching');
    await eventually('three accessories', () => api.registered.length === 3);
    const uuid = accessoryUuid(hap, { vendor: 'testvendor', vendorLockId: 'front' });
    const front = api.registered.find((a) => a.UUID === uuid);
    assert.ok(front, 'the front door accessory');
    const lock = front.services.find((s) => s.UUID === Service.LockMechanism.UUID && !s.subtype);
    assert.ok(lock);
    const current = lock.getCharacteristic(Characteristic.LockCurrentState);
    assert.equal(await current.handleGetRequest(), Characteristic.LockCurrentState.SECURED);
    await lock
      .getCharacteristic(Characteristic.LockTargetState)
      .handleSetRequest(Characteristic.LockTargetState.UNSECURED);
    await eventually(
      'the emulator unlocked',
      () => fixture.emulator.locks.get('front')?.state === 'unlocked',
    );
    await eventually(
      'HomeKit sees it unlocked',
      () => current.value === Characteristic.LockCurrentState.UNSECURED,
    );
    assert.equal(fixture.emulator.commands.filter((c) => c.command === 'unlock').length, 1);
    assert.ok(!logs.some((l) => l.level === 'error'), logs.map((l) => l.message).join('\n'));
  });
});
