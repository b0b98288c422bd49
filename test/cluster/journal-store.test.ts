import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { RedisJournalStore } from '../../src/cluster/journal-store';
import { ClusterKeys, leaseValue } from '../../src/cluster/keys';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import type { AccountOwnership } from '../../src/hub/ownership';
import type { JournalEntry } from '../../src/pins/journal';
import { redisServerOrSkip, startRedisServer, type RedisServer } from './redis-server';

/** What this daemon believes it holds (the lease manager's view), set by the test. */
function ownershipOf(tokens: Map<string, number>): AccountOwnership {
  return {
    tokenOf: (a) => tokens.get(a),
    check: (a) => {
      const t = tokens.get(a);
      if (t === undefined) throw new LockbridgeError('not_ready', 'not held');
      return t;
    },
    subscribe: () => () => undefined,
  };
}

const entry = (id: string, account: string): JournalEntry => ({
  id,
  account,
  operation: 'create',
  lockId: `seam_${account}-0`,
  input: { name: 'Guest', code: '582941' },
  phase: 'sending',
  sends: 1,
  createdAt: 1,
  updatedAt: 1,
});

describe('cluster: the code journal in Redis is fenced by the lease (real Redis)', function () {
  this.timeout(20_000);
  let server: RedisServer;
  let redis: Redis;
  const keys = new ClusterKeys('journal-test');
  const logger = new RedactingLogger(new MemorySink());

  before(async function () {
    server = await startRedisServer(redisServerOrSkip(this));
    redis = new Redis(server.url);
  });
  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('writes under the holder’s token, and the next owner reads it back with that token', async () => {
    await redis.set(keys.lease('a1'), leaseValue('n1', 4));
    const n1 = new RedisJournalStore(
      redis,
      keys,
      'n1',
      ownershipOf(new Map([['a1', 4]])),
      () => ['a1'],
      logger,
    );
    await n1.put(entry('op1', 'a1'));
    const [back] = await n1.all();
    assert.equal(back.token, 4);
    assert.equal(back.phase, 'sending');
    // n1's lease ran out and n2 took the account (token 5): n2 finds the operation.
    await redis.set(keys.lease('a1'), leaseValue('n2', 5));
    const n2 = new RedisJournalStore(
      redis,
      keys,
      'n2',
      ownershipOf(new Map([['a1', 5]])),
      () => ['a1'],
      logger,
    );
    assert.deepEqual(
      (await n2.ofAccount('a1')).map((e) => e.id),
      ['op1'],
    );
  });

  it('refuses a stale owner’s write and removal, leaving the entry as the new owner has it', async () => {
    await redis.set(keys.lease('a2'), leaseValue('n2', 9));
    const n2 = new RedisJournalStore(
      redis,
      keys,
      'n2',
      ownershipOf(new Map([['a2', 9]])),
      () => ['a2'],
      logger,
    );
    await n2.put({ ...entry('op2', 'a2'), phase: 'pending' });
    // n1 still believes it holds a2 with its old token 8 (it has not noticed yet).
    const stale = new RedisJournalStore(
      redis,
      keys,
      'n1',
      ownershipOf(new Map([['a2', 8]])),
      () => ['a2'],
      logger,
    );
    const refused = (e: LockbridgeError) => e.code === 'not_ready' && /no longer holds/.test(e.message);
    await assert.rejects(stale.put({ ...entry('op2', 'a2'), phase: 'sending', sends: 2 }), refused);
    await assert.rejects(stale.remove(entry('op2', 'a2')), refused);
    const [kept] = await n2.ofAccount('a2');
    assert.equal(kept.phase, 'pending');
    assert.equal(kept.sends, 1);
    assert.equal(kept.token, 9);
  });

  it('refuses at once, without Redis, when this daemon knows it does not hold the account', async () => {
    const none = new RedisJournalStore(redis, keys, 'n3', ownershipOf(new Map()), () => [], logger);
    await assert.rejects(none.put(entry('op3', 'a3')), (e: LockbridgeError) => e.code === 'not_ready');
    assert.equal(await redis.exists(keys.journal('a3')), 0);
  });
});
