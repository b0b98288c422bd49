import type Redis from 'ioredis';
import type { ClusterKeys } from './keys';

/**
 * Heartbeats: each node keeps its name in a sorted set scored with the Redis time its heartbeat runs
 * out (one lease from now). Times come from Redis's own clock (TIME inside the script), so the hosts'
 * clocks never have to agree; a node that stops beating drops out of every other node's count after
 * one lease.
 */
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) end
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

export class Membership {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly node: string,
    private readonly ttlMs: number,
  ) {}

  /** Refreshes this node's heartbeat; resolves with every live node, sorted by name. */
  async beat(): Promise<string[]> {
    const live = (await this.redis.eval(BEAT, 1, this.keys.members, this.node, this.ttlMs)) as string[];
    return [...live].sort();
  }

  /** Every live node, without beating (bridge/info, tests). */
  async live(): Promise<string[]> {
    const live = (await this.redis.eval(BEAT, 1, this.keys.members, '', 0)) as string[];
    return [...live].sort();
  }

  /** A clean stop: the others count without this node from their next round. */
  async leave(): Promise<void> {
    await this.redis.zrem(this.keys.members, this.node);
  }
}
