import assert from 'node:assert/strict';
import { MqttLockSource, startMqttBridge, type MqttBridge } from '../../src/mqtt';
import { LockbridgeError } from '../../src/core/errors';
import type { LockEvent } from '../../src/core/events';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { createCodeService } from '../../src/pins';
import { describeLockSourceContract } from '../contract/lock-source.contract';
import { startHubFixture } from '../support/hub-fixture';
import { eventually } from './support';

describeLockSourceContract('MqttLockSource -> bridge -> LockHub', async () => {
  const hub = await startHubFixture({ codeService: (deps) => createCodeService(deps) });
  const bridge = await startMqttBridge({
    source: hub.hub,
    config: { embedded: { port: 0 } },
    logger: new RedactingLogger(new MemorySink()),
  });
  const source = new MqttLockSource({ url: bridge.brokerUrl, requestTimeoutMs: 8000 });
  await source.start();
  return {
    source,
    emulator: hub.emulator,
    codes: true,
    teardown: async () => {
      await source.stop();
      await bridge.stop();
      await hub.stop();
    },
  };
});

describe('MqttLockSource beyond the contract', function () {
  this.timeout(15_000);

  it('follows locks being added and removed, and account status, as events', async () => {
    const hub = await startHubFixture();
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { embedded: { port: 0 }, baseTopic: 'home/locks' },
      logger: new RedactingLogger(new MemorySink()),
    });
    const source = new MqttLockSource({ url: bridge.brokerUrl, baseTopic: 'home/locks' });
    try {
      await source.start();
      assert.deepEqual(
        source.accounts().map((a) => [a.account, a.state, a.lockCount]),
        [['tv', 'connected', 3]],
      );
      const events: LockEvent[] = [];
      source.subscribe((e) => events.push(e));
      hub.emulator.addLock({ id: 'shed', name: 'Shed' });
      await hub.hub.refresh();
      await eventually(() => events.some((e) => e.type === 'lock_added' && e.lock.id === 'testvendor_shed'));
      assert.equal((await source.getLock('testvendor_shed')).name, 'Shed');
      hub.emulator.removeLock('shed');
      await hub.hub.refresh();
      await eventually(() => events.some((e) => e.type === 'lock_removed' && e.lockId === 'testvendor_shed'));
      await assert.rejects(
        source.getLock('testvendor_shed'),
        (e: unknown) => e instanceof LockbridgeError && e.code === 'not_found',
      );
    } finally {
      await source.stop();
      await bridge.stop();
      await hub.stop();
    }
  });

  it('tells when a lock is renamed or gains capabilities, as the hub does (lock_changed)', async () => {
    const hub = await startHubFixture();
    const bridge = await startMqttBridge({
      source: hub.hub,
      config: { embedded: { port: 0 } },
      logger: new RedactingLogger(new MemorySink()),
    });
    const source = new MqttLockSource({ url: bridge.brokerUrl });
    try {
      await source.start();
      const events: LockEvent[] = [];
      source.subscribe((e) => events.push(e));
      const front = hub.emulator.locks.get('front')!;
      hub.emulator.addLock({ ...front, name: 'Porch', canOpen: !front.canOpen });
      await hub.hub.refresh();
      await eventually(() => events.some((e) => e.type === 'lock_changed'));
      const changed = events.filter((e) => e.type === 'lock_changed');
      assert.equal(changed.length, 1);
      const [event] = changed;
      assert.ok(event.type === 'lock_changed');
      assert.equal(event.lock.id, 'testvendor_front');
      assert.deepEqual([event.previous.name, event.lock.name], [front.name, 'Porch']);
      assert.notEqual(event.lock.capabilities.includes('open'), event.previous.capabilities.includes('open'));
      assert.equal((await source.getLock('testvendor_front')).name, 'Porch');
    } finally {
      await source.stop();
      await bridge.stop();
      await hub.stop();
    }
  });

  it('fails fast and typed: no daemon under the base topic, a source not started or stopped, no broker', async () => {
    const hub = await startHubFixture();
    let bridge: MqttBridge | undefined = await startMqttBridge({
      source: hub.hub,
      config: { embedded: { port: 0 } },
      logger: new RedactingLogger(new MemorySink()),
    });
    const url = bridge.brokerUrl;
    try {
      const wrongBase = new MqttLockSource({ url, baseTopic: 'nobody', requestTimeoutMs: 300 });
      await assert.rejects(
        wrongBase.start(),
        (e: unknown) => e instanceof LockbridgeError && e.code === 'vendor_unavailable',
      );
      await wrongBase.stop();

      const source = new MqttLockSource({ url, requestTimeoutMs: 5000 });
      await assert.rejects(
        source.listLocks(),
        (e: unknown) => e instanceof LockbridgeError && e.code === 'not_ready',
      );
      await source.start();
      await source.stop();
      await assert.rejects(
        source.listLocks(),
        (e: unknown) => e instanceof LockbridgeError && e.code === 'shutting_down',
      );
      await bridge.stop();
      bridge = undefined;
      const none = new MqttLockSource({ url, requestTimeoutMs: 500 });
      await assert.rejects(none.start(), (e: unknown) => e instanceof LockbridgeError);
      await none.stop();
    } finally {
      await bridge?.stop();
      await hub.stop();
    }
  });
});
