import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { CommandRouter } from '../../src/cluster/command-router';
import { ClusterKeys, leaseValue } from '../../src/cluster/keys';
import type { LockbridgeError } from '../../src/core/errors';
import type { IncomingMessage } from '../../src/mqtt/connection';
import { redisServerOrSkip, startRedisServer, type RedisServer } from './redis-server';

const message = (lock: string, payload: string): IncomingMessage => ({
  topic: `lb/${lock}/set`,
  payload: Buffer.from(payload),
  retain: false,
  protocolVersion: 5,
});

describe('cluster: one daemon answers each message (real Redis)', function () {
  this.timeout(20_000);
  let server: RedisServer;
  let redis: Redis;
  let n = 0;

  before(async function () {
    server = await startRedisServer(redisServerOrSkip(this));
    redis = new Redis(server.url);
  });
  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** Three daemons' routers over one Redis; `locks` are those each has in its hub. */
  async function cluster(offline: string[] = []) {
    const keys = new ClusterKeys(`route${++n}`);
    await redis.hset(keys.locks, 'seam_d1', JSON.stringify({ id: 'seam_d1', account: 'a1' }));
    const locks: Record<string, string[]> = { n1: [], n2: [], n3: [] };
    const router = (node: string) =>
      new CommandRouter(
        redis,
        keys,
        node,
        (lock) => locks[node].includes(lock),
        new Set(['a1']),
        () => undefined,
        () => offline,
      );
    return { keys, locks, routers: ['n1', 'n2', 'n3'].map(router) };
  }

  /** Asks every daemon in turn; returns who admitted and who threw (not_ready). */
  async function ask(routers: CommandRouter[], m: IncomingMessage) {
    const out: Array<'yes' | 'no' | string> = [];
    for (const r of routers)
      out.push(
        await r.admit('seam_d1', m).then(
          (yes) => (yes ? 'yes' : 'no'),
          (e: LockbridgeError) => e.code,
        ),
      );
    return out;
  }

  it('the holder of the lock’s account answers; the others stay silent', async () => {
    const c = await cluster();
    await redis.set(c.keys.lease('a1'), leaseValue('n2', 3));
    c.locks.n2.push('seam_d1');
    assert.deepEqual(await ask(c.routers, message('seam_d1', '{"command":"UNLOCK","transaction":"t1"}')), [
      'no',
      'yes',
      'no',
    ]);
  });

  it('with no holder, the first daemon to ask answers not_ready, once', async () => {
    const c = await cluster();
    await redis.set(c.keys.fence('a1'), 3); // it had owners: the lock is known, nobody holds it now
    assert.deepEqual(await ask(c.routers, message('seam_d1', '{"command":"UNLOCK","transaction":"t2"}')), [
      'not_ready',
      'no',
      'no',
    ]);
  });

  it('keeps the first decision while the lease changes hands between the questions', async () => {
    const c = await cluster();
    await redis.set(c.keys.fence('a1'), 3);
    const m = message('seam_d1', '{"command":"UNLOCK","transaction":"t3"}');
    assert.equal(await c.routers[2].admit('seam_d1', m).catch((e: LockbridgeError) => e.code), 'not_ready');
    // n1 takes the account and lists its lock before it gets to ask: it still stays silent.
    await redis.set(c.keys.lease('a1'), leaseValue('n1', 4));
    c.locks.n1.push('seam_d1');
    assert.equal(await c.routers[0].admit('seam_d1', m), false);
  });

  it('a holder gone offline on the broker answers nothing: the first asker answers not_ready', async () => {
    const c = await cluster(['n2']);
    await redis.set(c.keys.lease('a1'), leaseValue('n2', 3));
    assert.deepEqual(await ask(c.routers, message('seam_d1', '{"command":"LOCK","transaction":"t4"}')), [
      'not_ready',
      'no',
      'no',
    ]);
  });
});
