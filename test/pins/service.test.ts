import assert from 'node:assert/strict';
import { LockbridgeError } from '../../src/core/errors';
import { MemoryStorage } from '../../src/core/storage';
import type { Lock } from '../../src/core/model';
import { createCodeService, type PinCodeService } from '../../src/pins/service';
import { augustCodeRules, seamCodeRules } from '../../src/pins/vendor-rules';
import { validate } from '../../src/pins/validate';
import { CodeJournal, type JournalEntry } from '../../src/pins/journal';
import { silentLogger } from '../../src/core/logger';
import { harness, makeLock, MemoryCodeDriver, wirePush, type Harness } from './memory-code-driver';

const FAST = { pollInitialMs: 2, pollMaxMs: 10, followUpPollMs: 10, resumeRetryMs: 5 };

function future(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<LockbridgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, `not a LockbridgeError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a ${code} rejection`);
}

function codeEvents(h: Harness, lockId: string): string[] {
  return h.events.flatMap((e) => (e.type === 'code' && e.lockId === lockId ? [e.code.status] : []));
}

describe('pins/code service', () => {
  const services: PinCodeService[] = [];
  const drivers: MemoryCodeDriver[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    for (const d of drivers.splice(0)) d.close();
  });

  function setup(
    locks: Lock[],
    options: { push?: boolean; confirmTimeoutMs?: number; storage?: MemoryStorage } = {},
  ) {
    const driver = new MemoryCodeDriver();
    drivers.push(driver);
    const h = harness(locks, (l) => (l.codeRules ? driver : undefined), options);
    if (options.push) wirePush(driver, h, locks);
    const service = createCodeService(h.deps, FAST);
    services.push(service);
    return { driver, h, service };
  }

  const august = makeLock('august_front', augustCodeRules({ type: 2 }));
  const seam = makeLock(
    'seam_office',
    seamCodeRules({
      supported_code_lengths: [6],
      max_active_codes_supported: 3,
      code_constraints: [{ constraint_type: 'no_zeros' }, { constraint_type: 'name_length', max_length: 12 }],
    }),
  );

  it('creates a code: requested, then pending, then confirmed by read-back', async () => {
    const { driver, h, service } = setup([august]);
    await service.start();
    const r = await service.create(august.id, { name: 'Ann', code: '483195' });
    assert.equal(r.outcome, 'confirmed');
    assert.equal(r.confirmedBy, 'readback');
    assert.equal(r.operation, 'create');
    assert.equal(r.code.status, 'set');
    assert.equal(r.code.lockId, august.id);
    assert.deepEqual(codeEvents(h, august.id), ['requested', 'pending', 'set']);
    assert.equal(driver.calls.create, 1);
    assert.deepEqual(await service.pending(), []);
  });

  it('confirms by push when the vendor pushes first', async () => {
    const { h } = setup([august], { push: true });
    // Read-backs far apart, so the push wins.
    const slow = createCodeService(h.deps, { ...FAST, pollInitialMs: 60_000, pollMaxMs: 60_000 });
    services.push(slow);
    const r = await slow.create(august.id, { name: 'Ann', code: '483195' });
    assert.equal(r.outcome, 'confirmed');
    assert.equal(r.confirmedBy, 'push');
  });

  it('generates a code that fits the lock when none is given', async () => {
    const { driver, service } = setup([seam]);
    driver.seed(seam.vendorLockId, {
      id: 'x',
      name: 'Old',
      code: '999999',
      schedule: { kind: 'always' },
      status: 'set',
    });
    const r = await service.create(seam.id, { name: 'Guest' });
    assert.equal(r.outcome, 'confirmed');
    const code = r.code.code ?? '';
    assert.match(code, /^[1-9]{6}$/);
    assert.notEqual(code, '999999');
    assert.equal(validate(code, 'Guest', undefined, seam, { now: Date.now() }).ok, true);
  });

  it('rejects an invalid code with every reason and sends nothing', async () => {
    const { driver, service } = setup([seam]);
    const err = await rejectsWith(
      service.create(seam.id, {
        name: 'A name far too long',
        code: '1203',
        schedule: { kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 60 },
      }),
      'invalid_code',
    );
    assert.deepEqual(err.reasons.map((r) => r.code).sort(), [
      'name_too_long',
      'no_zeros',
      'schedule_not_supported',
      'wrong_length',
    ]);
    assert.equal(driver.calls.create, 0);
    assert.deepEqual(await service.pending(), []);
  });

  it('answers not_supported for a lock without codes, not_found for an unknown lock', async () => {
    const plain = makeLock('plain');
    const { service } = setup([plain]);
    await rejectsWith(service.create(plain.id, { name: 'x', code: '4831' }), 'not_supported');
    await rejectsWith(service.list(plain.id), 'not_supported');
    await rejectsWith(service.create('nope', { name: 'x', code: '4831' }), 'not_found');
    await rejectsWith(service.create(plain.id, null as unknown as { name: string }), 'invalid_input');
  });

  it('ends failed when the lock refuses the code after the vendor accepted it', async () => {
    const { driver, h, service } = setup([august]);
    driver.behaviour = 'fail';
    const r = await service.create(august.id, { name: 'Ann', code: '483195' });
    assert.equal(r.outcome, 'failed');
    assert.equal(r.confirmedBy, 'readback');
    assert.ok(r.error);
    assert.deepEqual(codeEvents(h, august.id), ['requested', 'pending', 'failed']);
    assert.deepEqual(await service.pending(), []);
  });

  it('rejects with the vendor error when the vendor refuses the request, and forgets it', async () => {
    const { driver, service } = setup([august]);
    driver.refuseNext = new LockbridgeError('code_conflict', 'PIN conflict', { status: 409 });
    await rejectsWith(service.create(august.id, { name: 'Ann', code: '483195' }), 'code_conflict');
    assert.deepEqual(await service.pending(), []);
  });

  it('reads back after an unclear answer and adopts a code that landed, without sending twice', async () => {
    const { driver, service } = setup([august]);
    driver.loseAnswerNext = new LockbridgeError('timeout', 'Vendor timed out');
    const r = await service.create(august.id, { name: 'Ann', code: '483195' });
    assert.equal(r.outcome, 'confirmed');
    assert.equal(driver.calls.create, 1);
    assert.equal((await driver.list(august.vendorLockId)).length, 1);
  });

  it('leaves a code the lock has not confirmed in time pending, and follows it to the end', async () => {
    const { driver, h, service } = setup([august], { confirmTimeoutMs: 30 });
    driver.behaviour = 'never';
    const r = await service.create(august.id, { name: 'Ann', code: '483195' });
    assert.equal(r.outcome, 'pending');
    assert.equal(r.confirmedBy, 'none');
    assert.equal(r.error?.code, 'timeout');
    const [entry] = await service.pending();
    assert.equal(entry.phase, 'pending');
    // The lock gets to it later; the background follow-up confirms it.
    driver.codes.get(august.vendorLockId)![0].status = 'set';
    await service.settled();
    assert.deepEqual(await service.pending(), []);
    const last = h.events[h.events.length - 1];
    assert.ok(last.type === 'code' && last.result?.outcome === 'confirmed');
    assert.equal(driver.calls.create, 1);
  });

  it('confirms a code that starts later once the vendor holds it, without waiting for the start', async () => {
    const { driver, service } = setup([august], { confirmTimeoutMs: 5_000 });
    driver.behaviour = 'never';
    const schedule = { kind: 'time_bound' as const, start: future(2), end: future(4) };
    const r = await service.create(august.id, { name: 'Ann', code: '483195', schedule });
    assert.equal(r.outcome, 'confirmed');
    assert.equal(r.code.status, 'pending');
    // A code for now that stays pending is not confirmed.
    const now = createCodeService(setup([august], { confirmTimeoutMs: 20 }).h.deps, FAST);
    services.push(now);
    drivers[drivers.length - 1].behaviour = 'never';
    const r2 = await now.create(august.id, { name: 'Bob', code: '583196' });
    assert.equal(r2.outcome, 'pending');
  });

  it('updates and deletes, each confirmed', async () => {
    const { driver, service } = setup([august]);
    const created = await service.create(august.id, { name: 'Ann', code: '483195', userId: 'u1' });
    const id = created.code.id;
    const updated = await service.update(august.id, id, { name: 'Anna', code: '583196' });
    assert.equal(updated.outcome, 'confirmed');
    assert.equal(updated.code.name, 'Anna');
    assert.equal(driver.calls.update, 1);
    await rejectsWith(service.update(august.id, id, { code: '12' }), 'invalid_code');
    await rejectsWith(service.update(august.id, 'missing', { name: 'x' }), 'not_found');
    const deleted = await service.delete(august.id, id);
    assert.equal(deleted.outcome, 'confirmed');
    assert.equal(deleted.code.status, 'removed');
    assert.deepEqual(await service.list(august.id), []);
    // Deleting a code that is already gone is confirmed, not an error.
    const again = await service.delete(august.id, id);
    assert.equal(again.outcome, 'confirmed');
  });

  it('validates and generates through the lock rules', async () => {
    const { service } = setup([seam]);
    const v = await service.validate(seam.id, { name: 'Ann', code: '4831' });
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.reasons.map((r) => r.code),
      ['wrong_length'],
    );
    const code = await service.generate(seam.id, { avoid: ['111111'] });
    assert.match(code, /^[1-9]{6}$/);
    await rejectsWith(service.generate(seam.id, { length: 4 }), 'invalid_code');
  });

  it('refuses a new code once the lock is full', async () => {
    const { driver, service } = setup([seam]);
    for (let i = 1; i <= 3; i++)
      driver.seed(seam.vendorLockId, {
        id: `s${i}`,
        name: 'x',
        code: `${i}${i}3456`,
        schedule: { kind: 'always' },
        status: 'set',
      });
    const err = await rejectsWith(service.create(seam.id, { name: 'Guest' }), 'invalid_code');
    assert.deepEqual(
      err.reasons.map((r) => r.code),
      ['max_active_reached'],
    );
  });

  describe('code sets', () => {
    const august1 = makeLock('august_back', augustCodeRules({ type: 1 }));
    const nuki = makeLock(
      'seam_nuki',
      seamCodeRules({
        supported_code_lengths: [6],
        code_constraints: [{ constraint_type: 'cannot_start_with_12' }, { constraint_type: 'no_zeros' }],
      }),
    );

    it('puts one code that fits every lock on all of them, with a result per lock', async () => {
      const { driver, service } = setup([august, nuki]);
      driver.seed(nuki.vendorLockId, {
        id: 'x',
        name: 'Old',
        code: '345678',
        schedule: { kind: 'always' },
        status: 'set',
      });
      const schedule = { kind: 'time_bound' as const, start: future(1), end: future(3) };
      const r = await service.createSet({ name: 'Cleaner', lockIds: [august.id, nuki.id], schedule });
      assert.equal(r.results.length, 2);
      assert.ok(r.results.every((x) => x.ok && x.result?.outcome === 'confirmed'));
      const codes = r.results.map((x) => x.result?.code.code);
      assert.equal(codes[0], codes[1]);
      assert.match(codes[0] ?? '', /^[1-9]{6}$/);
      for (const lock of [august, nuki])
        assert.equal(validate(codes[0], 'Cleaner', schedule, lock, { now: Date.now() }).ok, true);
      assert.equal(driver.calls.create, 2);
    });

    it('gives each lock its own code when asked', async () => {
      const { service } = setup([august, nuki]);
      const r = await service.createSet({
        name: 'Cleaner',
        lockIds: [august.id, nuki.id],
        codePerLock: true,
      });
      assert.ok(r.results.every((x) => x.ok));
      assert.equal(r.results.length, 2);
    });

    it('refuses the whole set before sending anything when a lock cannot hold it', async () => {
      const { driver, service } = setup([august, august1]);
      const schedule = { kind: 'time_bound' as const, start: future(1), end: future(3) };
      const err = await rejectsWith(
        service.createSet({ name: 'Cleaner', lockIds: [august.id, august1.id], schedule }),
        'invalid_code',
      );
      assert.deepEqual(
        err.reasons.map((r) => [r.code, r.detail?.lockId]),
        [['schedule_not_supported', august1.id]],
      );
      assert.equal(driver.calls.create, 0);
    });

    it('reports per lock when the vendor refuses one lock', async () => {
      const { driver, service } = setup([august, nuki]);
      driver.refuseLocks.set(
        august.vendorLockId,
        new LockbridgeError('lock_offline', 'Bridge offline', { status: 422 }),
      );
      const r = await service.createSet({ name: 'Cleaner', lockIds: [august.id, nuki.id], code: '483195' });
      assert.deepEqual(r.results[0], {
        lockId: august.id,
        ok: false,
        error: { code: 'lock_offline', message: 'Bridge offline' },
      });
      assert.equal(r.results[1].lockId, nuki.id);
      assert.equal(r.results[1].result?.outcome, 'confirmed');
      assert.deepEqual(await service.pending(), []);
    });
  });

  describe('journal', () => {
    function entry(over: Partial<JournalEntry>): JournalEntry {
      return {
        id: `op${Math.random().toString(16).slice(2, 10)}`,
        operation: 'create',
        lockId: august.id,
        input: { name: 'Ann', code: '483195', schedule: { kind: 'always' } },
        preExistingIds: [],
        phase: 'requested',
        sends: 0,
        createdAt: Date.now(),
        updatedAt: Date.now(),
        ...over,
      };
    }

    it('resumes every phase at start: sends what was never sent, reads back before resending', async () => {
      const storage = new MemoryStorage();
      const journal = new CodeJournal(storage, silentLogger);
      const { driver, h, service } = setup([august], { storage });
      // Landed before the crash (the answer was lost): must not be sent again.
      driver.seed(august.vendorLockId, {
        id: 'landed',
        name: 'Bob',
        code: '583196',
        schedule: { kind: 'always' },
        status: 'pending',
      });
      driver.seed(august.vendorLockId, {
        id: 'old',
        name: 'Old',
        code: '683197',
        schedule: { kind: 'always' },
        status: 'set',
      });
      await journal.put(entry({ id: 'req', input: { name: 'Ann', code: '483195' } }));
      await journal.put(
        entry({ id: 'sentlanded', phase: 'sending', sends: 1, input: { name: 'Bob', code: '583196' } }),
      );
      await journal.put(
        entry({ id: 'sentlost', phase: 'sending', sends: 1, input: { name: 'Cy', code: '783198' } }),
      );
      await journal.put(
        entry({ id: 'del', operation: 'delete', codeId: 'old', phase: 'sending', sends: 1, input: {} }),
      );
      await storage.write('pins/journal/garbage.json', '{not json');
      driver.codes.get(august.vendorLockId)![0].status = 'set';

      await service.start();
      await service.settled();
      assert.equal(driver.calls.create, 2); // Ann (never sent) and Cy (lost before the vendor): Bob not resent
      assert.equal(driver.calls.delete, 1);
      const names = (await driver.list(august.vendorLockId)).map((c) => `${c.name}:${c.status}`).sort();
      assert.deepEqual(names, ['Ann:set', 'Bob:set', 'Cy:set']);
      assert.deepEqual(await service.pending(), []);
      const finals = h.events.flatMap((e) => (e.type === 'code' && e.result ? [e.result.outcome] : []));
      assert.deepEqual(finals, ['confirmed', 'confirmed', 'confirmed', 'confirmed']);
      // The unreadable entry is reported and kept, not deleted.
      assert.ok(await storage.read('pins/journal/garbage.json'));
      assert.match(h.sink.text(), /unreadable entry/);
    });

    it('keeps retrying while the lock is unknown to the hub, then fails the operation after the follow-up window', async () => {
      const storage = new MemoryStorage();
      await new CodeJournal(storage, silentLogger).put(entry({ id: 'ghost', lockId: 'gone_lock' }));
      const { h } = setup([august], { storage });
      const service = createCodeService(h.deps, { ...FAST, followUpMs: 40 });
      services.push(service);
      await service.start();
      await service.settled();
      assert.deepEqual(await service.pending(), []);
      const last = h.events[h.events.length - 1];
      assert.ok(
        last.type === 'code' && last.result?.outcome === 'failed' && last.result.error?.code === 'timeout',
      );
    });

    it('stop() leaves unfinished operations in the journal for the next start', async () => {
      const { driver, service } = setup([august], { confirmTimeoutMs: 10_000 });
      driver.behaviour = 'never';
      const p = service.create(august.id, { name: 'Ann', code: '483195' });
      while ((await service.pending()).every((e) => e.phase !== 'pending'))
        await new Promise((r) => setTimeout(r, 2));
      await service.stop();
      const r = await p;
      assert.equal(r.outcome, 'pending');
      assert.equal((await service.pending()).length, 1);
    });
  });

  it('never logs or throws a PIN', async () => {
    const { driver, h, service } = setup([seam]);
    const pin = '938475';
    await service.create(seam.id, { name: 'Ann', code: pin });
    const errors: unknown[] = [];
    for (const attempt of [
      () => service.create(seam.id, { name: 'Bob', code: pin }),
      () => service.create(seam.id, { name: 'Cy', code: '9384750' }),
      () => service.create(seam.id, { name: 'x'.repeat(13), code: '908070' }),
    ]) {
      try {
        await attempt();
      } catch (err) {
        errors.push(err);
      }
    }
    driver.loseAnswerNext = new LockbridgeError('timeout', 'Vendor timed out');
    await service.create(seam.id, { name: 'Dee', code: '847362' });
    assert.equal(errors.length, 3);
    const text = h.sink.text() + JSON.stringify(errors) + errors.map((e) => String(e)).join('\n');
    for (const p of [pin, '9384750', '908070', '847362']) assert.ok(!text.includes(p), `PIN ${p} leaked`);
    assert.ok(h.sink.lines.length > 0);
  });
});
