import assert from 'node:assert/strict';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import { DiscoveryLedger } from '../../src/mqtt/ha/discovery-ledger';
import { RECORD_NAME, loadRecord } from '../../src/mqtt/ha/discovery-record';

/** A storage that counts its writes. */
class CountingStorage extends MemoryStorage {
  writes = 0;
  override async write(name: string, data: string): Promise<void> {
    this.writes++;
    await super.write(name, data);
  }
}

const place = { prefix: 'homeassistant', nodeId: 'lockbridge', form: 'device' as const };
const logger = new RedactingLogger(new MemorySink());
const battery = new Map([
  ['lock', { platform: 'lock' as const }],
  ['battery', { platform: 'sensor' as const }],
]);

describe('Home Assistant discovery ledger', () => {
  it('writes a whole round once, at its end, and a change outside a round at once', async () => {
    const storage = new CountingStorage();
    const ledger = new DiscoveryLedger(storage, place, logger);
    await ledger.open();
    await ledger.batch(async () => {
      for (let i = 0; i < 1000; i++) ledger.set(`testvendor_l${i}`, battery);
      await Promise.resolve();
      assert.equal(storage.writes, 0, 'nothing written during the round');
    });
    await ledger.flush();
    assert.equal(storage.writes, 1);
    assert.equal(Object.keys((await loadRecord(storage))!.objects).length, 1000);
    ledger.delete('testvendor_l0');
    await ledger.flush();
    assert.equal(storage.writes, 2);
    ledger.set('testvendor_l1', battery);
    await ledger.flush();
    assert.equal(storage.writes, 2, 'an unchanged device is not written again');
  });

  it('keeps naming the old place until a switch is released, and takes over the record of an unmoved start', async () => {
    const storage = new CountingStorage();
    const first = new DiscoveryLedger(storage, { ...place, form: 'entity' }, logger);
    await first.open();
    first.set('testvendor_a', battery);
    await first.flush();

    const same = new DiscoveryLedger(storage, { ...place, form: 'entity' }, logger);
    assert.equal((await same.open()).transition, 'same');
    assert.deepEqual(same.get('testvendor_a'), { lock: 'lock', battery: 'sensor' });

    const switched = new DiscoveryLedger(storage, place, logger);
    const { transition, previous } = await switched.open();
    assert.equal(transition, 'migrate');
    assert.equal(previous?.form, 'entity');
    assert.equal(switched.get('testvendor_a'), undefined, 'nothing is out there in the new form yet');
    switched.set('testvendor_a', battery);
    await switched.flush();
    assert.equal((await loadRecord(storage))?.form, 'entity', 'a crash now migrates again next time');
    switched.release();
    await switched.flush();
    assert.equal((await loadRecord(storage))?.form, 'device');
  });

  it('treats a record it did not write as none', async () => {
    const storage = new MemoryStorage();
    for (const bad of [
      'not json',
      JSON.stringify({ version: 2, prefix: 'homeassistant', nodeId: 'x', form: 'device', objects: {} }),
      JSON.stringify({ version: 1, prefix: 'home/#', nodeId: 'x', form: 'device', objects: {} }),
      JSON.stringify({
        version: 1,
        prefix: 'ha',
        nodeId: 'x',
        form: 'device',
        objects: { a: { b: 'light' } },
      }),
    ]) {
      await storage.write(RECORD_NAME, bad);
      const ledger = new DiscoveryLedger(storage, place, logger);
      assert.equal((await ledger.open()).transition, 'unknown', bad);
    }
  });
});
