import assert from 'node:assert/strict';
import { LockHub } from '../../src/hub/hub';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import type { VendorAccountConfig } from '../../src/config/types';
import type { LockEvent } from '../../src/core/events';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { TestVendorEmulator } from '../support/test-vendor/emulator';
import { testVendorFactory, type TestVendorDriver } from '../support/test-vendor/driver';
import { rejectsWith } from '../contract/lock-source.contract';

describe('LockHub', () => {
  let f: HubFixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });

  it('polls with one list call per account per cycle, whatever the number of locks', async () => {
    const emulators: TestVendorEmulator[] = [];
    const accounts: VendorAccountConfig[] = [];
    for (let a = 0; a < 3; a++) {
      const e = new TestVendorEmulator();
      const url = await e.start();
      for (let i = 0; i < 40; i++) e.addLock({ id: `a${a}l${i}` });
      emulators.push(e);
      accounts.push({
        vendor: 'testvendor',
        id: `acc${a}`,
        apiKey: e.apiKey,
        baseUrl: url,
      } as unknown as VendorAccountConfig);
    }
    const hub = new LockHub({
      accounts,
      drivers: { testvendor: testVendorFactory },
      storage: new MemoryStorage(),
      logger: new RedactingLogger(new MemorySink()),
    });
    try {
      await hub.start();
      assert.equal((await hub.listLocks()).length, 120);
      const before = emulators.map((e) => e.server.requestsTo('GET', '/locks').length);
      await hub.refresh();
      await hub.refresh();
      const after = emulators.map((e) => e.server.requestsTo('GET', '/locks').length);
      // 2 cycles x 1 list call per account; no per-lock calls.
      assert.deepEqual(
        after.map((n, i) => n - before[i]),
        [2, 2, 2],
      );
      assert.equal(
        emulators.reduce((n, e) => n + e.server.requestsTo('GET', /^\/locks\/[^/]+$/).length, 0),
        0,
      );
    } finally {
      await hub.stop();
      for (const e of emulators) await e.stop();
    }
  });

  it('discovers added and removed locks on the next cycle', async () => {
    f = await startHubFixture();
    const events: LockEvent[] = [];
    f.hub.subscribe((e) => events.push(e));
    f.emulator.addLock({ id: 'shed', name: 'Shed' });
    f.emulator.removeLock('garage');
    await f.hub.refresh();
    assert.ok(events.some((e) => e.type === 'lock_added' && e.lock.id === 'testvendor_shed'));
    assert.ok(events.some((e) => e.type === 'lock_removed' && e.lockId === 'testvendor_garage'));
    assert.deepEqual((await f.hub.listLocks()).map((l) => l.id).sort(), [
      'testvendor_back',
      'testvendor_front',
      'testvendor_shed',
    ]);
  });

  it('tells when a lock is re-described (renamed, new capabilities), and only then', async () => {
    f = await startHubFixture();
    const events: LockEvent[] = [];
    f.hub.subscribe((e) => events.push(e));
    await f.hub.refresh();
    assert.deepEqual(
      events.filter((e) => e.type === 'lock_changed'),
      [],
      'an unchanged listing re-describes nothing',
    );
    const front = f.emulator.locks.get('front')!;
    f.emulator.addLock({ ...front, name: 'Porch', keypad: !front.keypad });
    await f.hub.refresh();
    const changed = events.filter((e) => e.type === 'lock_changed');
    assert.equal(changed.length, 1);
    const [event] = changed;
    assert.ok(event.type === 'lock_changed');
    assert.equal(event.lock.name, 'Porch');
    assert.equal(event.previous.name, front.name);
    assert.notEqual(
      event.lock.capabilities.includes('access_codes'),
      event.previous.capabilities.includes('access_codes'),
    );
  });

  it('runs commands to one lock one at a time, in order', async () => {
    f = await startHubFixture({ emulator: { commandDelayMs: 30 } });
    const results = await Promise.all([
      f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' }),
      f.hub.command({ lockId: 'testvendor_front', command: 'LOCK' }),
      f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status.state),
      ['UNLOCKED', 'LOCKED', 'UNLOCKED'],
    );
    assert.deepEqual(
      f.emulator.commands.map((c) => c.command),
      ['unlock', 'lock', 'unlock'],
    );
  });

  it('refuses a command that expired while it waited behind another, and never sends it', async () => {
    f = await startHubFixture({ emulator: { commandDelayMs: 150 } });
    const first = f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' });
    const second = f.hub.command({ lockId: 'testvendor_front', command: 'LOCK', expiresAt: Date.now() + 40 });
    await first;
    await rejectsWith(second, 'expired');
    assert.deepEqual(
      f.emulator.commands.map((c) => c.command),
      ['unlock'],
    );
  });

  it('times out a command that is never confirmed: UNKNOWN at once (never the old state), then the real state', async () => {
    f = await startHubFixture({ emulator: { commandDelayMs: 60_000 }, hub: { commandTimeoutMs: 300 } });
    const states: string[] = [];
    f.hub.subscribe((e: LockEvent) => {
      if (e.type === 'state' && e.lock.id === 'testvendor_front') states.push(e.lock.status.state);
    });
    const err = await rejectsWith(
      f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' }),
      'timeout',
    );
    assert.equal(err.lockId, 'testvendor_front');
    // No transitional UNLOCKING left behind, and no guess: the vendor may have acted.
    assert.notEqual((await f.hub.getLock('testvendor_front')).status.state, 'UNLOCKING');
    // The background read-back puts the real state (the emulator still holds the unlock) in its place.
    for (let i = 0; i < 100 && (await f.hub.getLock('testvendor_front')).status.state !== 'LOCKED'; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal((await f.hub.getLock('testvendor_front')).status.state, 'LOCKED');
    assert.deepEqual(
      states.slice(0, 2),
      ['UNLOCKING', 'UNKNOWN'],
      'UNLOCKING, then UNKNOWN, never LOCKED in between',
    );
  });

  it('reports a jam as a jammed error and the JAMMED state', async () => {
    f = await startHubFixture();
    f.emulator.locks.get('front')!.state = 'jammed';
    await rejectsWith(f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' }), 'jammed');
    assert.equal((await f.hub.getLock('testvendor_front')).status.state, 'JAMMED');
  });

  it('marks the locks of an account offline during a vendor outage, and recovers', async () => {
    f = await startHubFixture();
    f.emulator.server.faults.outage(503);
    await f.hub.refresh();
    assert.ok((await f.hub.listLocks()).every((l) => !l.status.online));
    assert.equal(f.hub.accounts()[0].state, 'error');
    assert.equal(f.hub.accounts()[0].error?.code, 'vendor_unavailable');
    f.emulator.server.faults.clear();
    await f.hub.refresh();
    assert.ok((await f.hub.listLocks()).every((l) => l.status.online));
    assert.equal(f.hub.accounts()[0].state, 'connected');
  });

  it('backs off polling when the vendor rate-limits, and honours Retry-After', async () => {
    f = await startHubFixture({ hub: { pollIntervalMs: 1000 } });
    f.emulator.server.faults.rateLimit(10, 30, { path: /^\/locks$/ });
    await f.hub.refresh();
    const interval = (
      f.hub as unknown as { accountsById: Map<string, { pollIntervalMs: number }> }
    ).accountsById.get('tv')!.pollIntervalMs;
    assert.ok(interval >= 30_000, `poll interval ${interval} should honour Retry-After 30 s`);
  });

  it('keeps the API key out of logs and errors', async () => {
    f = await startHubFixture();
    f.emulator.server.faults.failNext(5, 500);
    await f.hub.refresh();
    await f.hub
      .command({ lockId: 'testvendor_front', command: 'STATUS' })
      .catch((e: Error) => f!.logs.error(String(e.message)));
    assert.ok(!f.logs.text().includes(f.account.apiKey));
    assert.ok(!JSON.stringify(f.hub.accounts()).includes(f.account.apiKey));
  });

  it('starts the other accounts when one fails, and retries the failed one', async () => {
    const good = new TestVendorEmulator();
    const goodUrl = await good.start();
    good.addLock({ id: 'x' });
    const hub = new LockHub({
      accounts: [
        {
          vendor: 'testvendor',
          id: 'bad',
          apiKey: 'wrong-key-123',
          baseUrl: goodUrl,
        } as unknown as VendorAccountConfig,
        {
          vendor: 'testvendor',
          id: 'good',
          apiKey: good.apiKey,
          baseUrl: goodUrl,
        } as unknown as VendorAccountConfig,
      ],
      drivers: { testvendor: testVendorFactory },
      storage: new MemoryStorage(),
      logger: new RedactingLogger(new MemorySink()),
    });
    try {
      await hub.start();
      const byId = Object.fromEntries(hub.accounts().map((a) => [a.account, a]));
      assert.equal(byId.bad.state, 'error');
      assert.equal(byId.bad.error?.code, 'auth_failed');
      assert.equal(byId.good.state, 'connected');
      assert.equal((await hub.listLocks()).length, 1);
    } finally {
      await hub.stop();
      await good.stop();
    }
  });

  it('stops cleanly: no timer, socket or pending command left behind', async () => {
    const watched = (r: string) => r === 'Timeout' || r.startsWith('TCP');
    // Let mocha's own timers settle first, so the snapshot holds only what was there before the hub.
    await new Promise((r) => setTimeout(r, 50));
    const before = process.getActiveResourcesInfo().filter(watched);
    f = await startHubFixture({ emulator: { commandDelayMs: 60_000 } });
    const pending = f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' });
    await new Promise((r) => setTimeout(r, 50));
    await f.stop();
    f = undefined;
    await rejectsWith(pending, 'shutting_down');
    await new Promise((r) => setTimeout(r, 50));
    const left = process.getActiveResourcesInfo().filter(watched);
    const counts = (list: string[]) =>
      list.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
    const beforeCounts = counts(before);
    for (const [kind, n] of Object.entries(counts(left))) {
      assert.ok(
        n <= (beforeCounts[kind] ?? 0) + 0,
        `${n} ${kind} handle(s) left after stop (before: ${beforeCounts[kind] ?? 0})`,
      );
    }
  });

  it('exposes the driver it built for each account (requests go through the account budget)', async () => {
    f = await startHubFixture();
    const account = (
      f.hub as unknown as {
        accountsById: Map<string, { driver: TestVendorDriver; budget: { taken: number } }>;
      }
    ).accountsById.get('tv')!;
    const taken = account.budget.taken;
    await f.hub.refresh();
    assert.equal(account.budget.taken, taken + 1);
  });
});
