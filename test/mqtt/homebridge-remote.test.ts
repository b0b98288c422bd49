import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import type { LockSource } from '../../src/core/lock-source';
import { parsePlatformConfig } from '../../accessories/platform-config';
import { loadMqttLockSource } from '../../accessories/mqtt-source';
import { repoRoot } from '../support/homebridge/lines';
import { startBridgeFixture, type BridgeFixture } from './support';

const BACK = 'testvendor_back';

/** Homebridge's `source: "mqtt"`: HomeKit has no code entry, so the plugin sends mqtt.unlockCode. */
describe('mqtt: Homebridge on a daemon whose account has an unlock code', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  const sources: LockSource[] = [];
  before(async () => {
    f = await startBridgeFixture({}, { accountUnlockCodes: { tv: '13572468' } });
  });
  after(async () => {
    for (const s of sources) await s.stop();
    await f.stop();
  });

  const remote = async (mqtt: Record<string, unknown>): Promise<LockSource> => {
    const settings = parsePlatformConfig({ platform: 'Lockbridge', source: 'mqtt', mqtt });
    assert.equal(settings.kind, 'mqtt', settings.kind === 'invalid' ? settings.error.message : '');
    if (settings.kind !== 'mqtt') throw new Error('unreachable');
    const source = loadMqttLockSource(settings.mqtt, new RedactingLogger(new MemorySink()));
    sources.push(source);
    await source.start();
    return source;
  };

  it('is refused without mqtt.unlockCode and with a wrong one, and unlocks with the right one', async () => {
    const bare = await remote({ url: f.bridge.brokerUrl });
    await assert.rejects(
      bare.command({ lockId: BACK, command: 'UNLOCK' }),
      (err: unknown) => err instanceof LockbridgeError && err.code === 'forbidden',
    );
    const wrong = await remote({ url: f.bridge.brokerUrl, unlockCode: '13572469' });
    await assert.rejects(
      wrong.command({ lockId: BACK, command: 'UNLOCK' }),
      (err: unknown) => err instanceof LockbridgeError && err.code === 'forbidden',
    );
    assert.equal(f.hub.emulator.commands.length, 0);
    const right = await remote({ url: f.bridge.brokerUrl, unlockCode: '13572468' });
    assert.equal((await right.command({ lockId: BACK, command: 'UNLOCK' })).status.state, 'UNLOCKED');
  });

  it('has mqtt.unlockCode in the Homebridge settings form, as a password field', () => {
    const file = JSON.parse(readFileSync(join(repoRoot, 'config.schema.json'), 'utf8')) as {
      schema: { properties: { mqtt: { properties: Record<string, { type?: string }> } } };
      layout: Array<{ key?: string; items?: Array<string | { key?: string; type?: string }> }>;
    };
    assert.equal(file.schema.properties.mqtt.properties.unlockCode?.type, 'string');
    const fieldset = file.layout.find((l) => l.key === 'mqtt');
    const item = fieldset?.items?.find((i) => typeof i === 'object' && i.key === 'mqtt.unlockCode');
    assert.deepEqual(item, { key: 'mqtt.unlockCode', type: 'password' });
  });
});
