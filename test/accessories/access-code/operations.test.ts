import { strict as assert } from 'node:assert';
import { MemoryStorage } from '../../../src/core/storage';
import type { LockEvent } from '../../../src/core/events';
import type { AccessCode, CodeOperationResult } from '../../../src/core/model';
import { AccessCodeOperations, type CodeBackend } from '../../../accessories/access-code/operations';
import { AccessCodeStore } from '../../../accessories/access-code/store';

type CodeEvent = Extract<LockEvent, { type: 'code' }>;

const code = (id: string, name: string, status: AccessCode['status']): AccessCode => ({
  id,
  lockId: 'l',
  name,
  schedule: { kind: 'always' },
  status,
});
const result = (c: AccessCode, outcome: CodeOperationResult['outcome']): CodeOperationResult => ({
  operation: 'create',
  lockId: 'l',
  code: c,
  outcome,
  confirmedBy: outcome === 'confirmed' ? 'readback' : 'none',
});

/** No vendor is reached in these tests: only the engine's events are fed in. */
const unreachable: CodeBackend = {
  list: () => Promise.reject(new Error('not in this test')),
  create: () => Promise.reject(new Error('not in this test')),
  update: () => Promise.reject(new Error('not in this test')),
  remove: () => Promise.reject(new Error('not in this test')),
};

describe('Access Code operations: which engine events count', () => {
  let now = 0;
  const make = async () =>
    new AccessCodeOperations(unreachable, await AccessCodeStore.load(new MemoryStorage(), 'l'), {
      answerWithinMs: 1000,
      maxBulk: 10,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
      now: () => now,
    });

  it('counts a confirmed operation from any surface, not the steps before it', async () => {
    const ops = await make();
    const ev = (e: Omit<CodeEvent, 'type' | 'lockId'>): CodeEvent => ({ type: 'code', lockId: 'l', ...e });
    assert.equal(ops.onCodeEvent(ev({ code: code('', 'Node-RED guest', 'requested') })), false);
    assert.equal(ops.inFlight(), true, 'journaled, not finished');
    assert.equal(ops.onCodeEvent(ev({ code: code('v1', 'Node-RED guest', 'pending') })), false);
    const done = code('v1', 'Node-RED guest', 'set');
    assert.equal(ops.onCodeEvent(ev({ code: done, result: result(done, 'confirmed') })), true);
    assert.equal(ops.inFlight(), false);
    // A refusal changed nothing on the lock: not counted (the Home app was not told otherwise).
    const failed = code('', 'HomeKit 9', 'failed');
    assert.equal(ops.onCodeEvent(ev({ code: failed, result: result(failed, 'failed') })), false);
  });

  it('forgets an operation whose outcome never came, so the poll is not stopped for good', async () => {
    const ops = await make();
    now = 1_000;
    ops.onCodeEvent({ type: 'code', lockId: 'l', code: code('', 'HomeKit 3', 'requested') });
    now += 60 * 60_000;
    assert.equal(ops.inFlight(), true, 'the engine may still be following it');
    now += 10 * 60_000;
    assert.equal(ops.inFlight(), false);
  });
});
