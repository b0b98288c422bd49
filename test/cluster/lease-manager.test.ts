import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { LeaseManager } from '../../src/cluster/lease-manager';
import { Membership } from '../../src/cluster/membership';
import { ClusterKeys, parseLeaseValue } from '../../src/cluster/keys';
import { resolveClusterSettings } from '../../src/cluster/config';
import type { OwnershipChange } from '../../src/hub/ownership';
import { RedactingLogger } from '../../src/core/logger';
import { redisServerOrSkip, startRedisServer, type RedisServer } from './redis-server';

const none = () => undefined;
const quiet = new RedactingLogger({ debug: none, info: none, warn: none, error: none });
const ACCOUNTS = ['a1', 'a2', 'a3', 'a4', 'a5'];

/** Lease logic against a real Redis, with a fake clock: rounds are run by hand, time moves by hand. */
describe('cluster: lease manager (real Redis, fake clock)', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let redis: Redis;
  let prefix = 0;
  let now = 1_000_000;
  const clock = { now: () => now };
  const managers: LeaseManager[] = [];

  before(async function () {
    server = await startRedisServer(redisServerOrSkip(this));
    redis = new Redis(server.url, { lazyConnect: false });
  });
  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.stop();
  });

  function node(name: string, keys: ClusterKeys, accounts = ACCOUNTS) {
    const settings = resolveClusterSettings({ redis: server.url, node: name, leaseSeconds: 60 });
    const membership = new Membership(redis, keys, name, settings.leaseMs);
    const m = new LeaseManager({ redis, keys, membership, settings, accounts, clock, logger: quiet });
    const changes: OwnershipChange[] = [];
    m.subscribe((c) => changes.push(c));
    managers.push(m);
    return { m, changes, settings };
  }

  const freshKeys = () => new ClusterKeys(`t${++prefix}`);
  const holderOf = async (keys: ClusterKeys, account: string) =>
    parseLeaseValue(await redis.get(keys.lease(account)));

  it('a lone node takes every account, each with a fencing token from its counter', async () => {
    const keys = freshKeys();
    const { m, changes } = node('n1', keys);
    await m.tick();
    assert.deepEqual([...m.holdings().keys()].sort(), ACCOUNTS);
    for (const a of ACCOUNTS) {
      assert.equal((await holderOf(keys, a))?.node, 'n1');
      assert.equal(m.check(a), 1);
    }
    assert.equal(changes.filter((c) => c.held).length, ACCOUNTS.length);
  });

  it('a node that joins gets its share: the other hands its surplus back, and tokens grow', async () => {
    const keys = freshKeys();
    const one = node('n1', keys);
    await one.m.tick();
    const two = node('n2', keys);
    // n2 announces itself (nothing free yet), n1 sees it and hands back, n2 takes what was handed back.
    await two.m.tick();
    await one.m.tick();
    await two.m.tick();
    await one.m.tick();
    await two.m.tick();
    const held1 = [...one.m.holdings().keys()];
    const held2 = [...two.m.holdings().keys()];
    assert.equal(held1.length + held2.length, ACCOUNTS.length);
    assert.deepEqual([held1.length, held2.length].sort(), [2, 3]);
    assert.deepEqual(
      held1.filter((a) => held2.includes(a)),
      [],
    );
    for (const a of held2) {
      assert.equal(two.m.check(a), 2, 'the second owner of an account has the next token');
      assert.throws(() => one.m.check(a), /not held by this daemon/);
    }
    // What n1 handed back it stopped acting on before the lease was deleted.
    const lost = one.changes.filter((c) => !c.held).map((c) => c.account);
    for (const a of held2) assert.ok(lost.includes(a), `n1 gave up ${a} before n2 took it`);
  });

  it('stops acting at its local deadline, while Redis still keeps the lease', async () => {
    const keys = freshKeys();
    const accounts = ['a1'];
    const { m, changes, settings } = node('n1', keys, accounts);
    await m.tick();
    assert.equal(m.check('a1'), 1);
    // No round ran for lease - margin: the daemon must consider the lease gone ...
    now += settings.leaseMs - settings.safetyMarginMs;
    assert.throws(
      () => m.check('a1'),
      (e: Error & { code?: string }) => e.code === 'not_ready',
    );
    assert.deepEqual(changes.at(-1), { account: 'a1', held: false, token: 1 });
    // ... although by Redis nobody else could have it yet (the real lease outlives the local one).
    assert.ok((await redis.pttl(keys.lease('a1'))) > 0);
    accounts.push('a2'); // (a1 stays n1's in Redis until it runs out: a fresh account for the rest)
    // And a command checking with its send margin is refused earlier than that.
    await m.tick();
    const token = m.check('a2');
    now += settings.leaseMs - settings.safetyMarginMs - 100;
    assert.equal(m.tokenOf('a2', 50), token);
    assert.equal(m.tokenOf('a2', 150), undefined);
  });

  it('a renewal Redis refuses drops the account at once, and the new owner has a larger token', async () => {
    const keys = freshKeys();
    const one = node('n1', keys, ['a1']);
    await one.m.tick();
    // The lease ran out (as if n1 had stalled) and n2 took it.
    await redis.del(keys.lease('a1'));
    const two = node('n2', keys, ['a1']);
    await two.m.tick();
    assert.equal(two.m.check('a1'), 2);
    await one.m.tick();
    assert.equal(one.m.tokenOf('a1'), undefined);
    assert.deepEqual(one.changes.at(-1), { account: 'a1', held: false, token: 1 });
    assert.equal((await holderOf(keys, 'a1'))?.node, 'n2', "n1's failed renewal did not touch n2's lease");
  });

  it("a dead node's accounts go to the live ones once its lease and heartbeat are gone", async () => {
    const keys = freshKeys();
    const one = node('n1', keys);
    const two = node('n2', keys);
    for (let i = 0; i < 3; i++) {
      await one.m.tick();
      await two.m.tick();
    }
    const orphaned = [...two.m.holdings().keys()];
    assert.ok(orphaned.length > 0);
    // n2 dies: nothing renews; Redis expires its heartbeat and leases (done here by hand).
    await redis.zrem(keys.members, 'n2');
    for (const a of orphaned) await redis.del(keys.lease(a));
    await one.m.tick();
    assert.deepEqual([...one.m.holdings().keys()].sort(), ACCOUNTS);
    for (const a of orphaned) assert.ok(one.m.check(a) >= 2);
  });

  it('a clean stop hands every lease back at once', async () => {
    const keys = freshKeys();
    const one = node('n1', keys, ['a1', 'a2']);
    await one.m.tick();
    await one.m.stop();
    assert.equal(await redis.exists(keys.lease('a1'), keys.lease('a2')), 0);
    assert.deepEqual(await new Membership(redis, keys, 'x', 1000).live(), []);
  });
});
