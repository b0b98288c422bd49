import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { LockbridgeError } from '../core/errors';
import type { IncomingMessage } from '../mqtt/connection';
import type { MessageGate } from '../mqtt/extensions/extension';
import type { ClusterKeys } from './keys';

/**
 * Decides once, in Redis, which daemon answers one command or request, and records it: every daemon
 * receives every message of the shared namespace, and each asks the same question of the same record.
 *   - a message about a lock (or an account) whose lease someone holds: that holder;
 *   - nobody holds it, or its holder went offline on the broker (a failover under way), or the message
 *     names no lock: the first daemon to ask (it answers not_ready, or not_found for an unknown lock).
 * The first asker writes the decision (SET with a TTL); the others read it, so exactly one daemon
 * answers, even while a lease changes hands between their questions. Identical messages within the
 * TTL (the same plain "UNLOCK" twice) share one decision: the same daemon answers each of them.
 */
const ROUTE = `
local decided = redis.call('GET', KEYS[1])
if decided then return decided end
local node = ARGV[1]
local known = '0'
local account = ARGV[3]
if ARGV[2] ~= '' then
  local info = redis.call('HGET', KEYS[2], ARGV[2])
  if info then account = cjson.decode(info).account end
end
if account ~= '' then
  local lease = redis.call('GET', ARGV[5] .. account)
  if lease then node = string.match(lease, '^(.*)|') end
  if redis.call('EXISTS', ARGV[6] .. account) == 1 or lease then known = '1' end
  -- A holder the asker saw go offline on the broker (its last will) answers nothing any more.
  if lease and string.find(',' .. ARGV[7] .. ',', ',' .. node .. ',', 1, true) then node = ARGV[1] end
end
local decision = node .. '|' .. known
redis.call('SET', KEYS[1], decision, 'PX', tonumber(ARGV[4]))
return decision
`;

/**
 * How long a decision is kept: longer than the spread of the daemons' questions on a loaded host
 * (a daemon whose own question took more than half of it stays silent, see admit), and short, since
 * identical plain commands within it (Home Assistant's "UNLOCK" pressed twice) share one decision.
 */
export const ROUTE_TTL_MS = 10_000;

export class CommandRouter implements MessageGate {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly node: string,
    /** Whether this daemon has the lock in its hub now (its account connected here). */
    private readonly hasLock: (lockId: string) => boolean,
    /** Every configured account id, so an account named by a request is known to the cluster. */
    private readonly accounts: ReadonlySet<string>,
    private readonly onError: (err: unknown) => void,
    /** Daemons this one saw go offline on the broker (NodeStates). */
    private readonly offline: () => string[] = () => [],
  ) {}

  /**
   * True when this daemon answers the message. Throws not_ready when it is the one to answer but the
   * lock's account is held by nobody or is still starting here: a command during a failover is
   * answered, never executed by a daemon that may not act.
   */
  async admit(lockId: string | undefined, message: IncomingMessage): Promise<boolean> {
    const received = performance.now();
    const target = lockId !== undefined ? { lockId } : targetOf(message.payload);
    const account = target.account && this.accounts.has(target.account) ? target.account : '';
    const digest = createHash('sha256')
      .update(message.topic)
      .update('\0')
      .update(message.payload)
      .update('\0')
      .update(message.responseTopic ?? '')
      .update('\0')
      .update(message.correlationData ?? Buffer.alloc(0))
      .digest('base64url');
    let decision: string;
    try {
      decision = await this.decide(digest, target.lockId ?? '', account);
    } catch (err) {
      // Without Redis no daemon can know who answers; answering from every daemon would be worse.
      this.onError(err);
      return false;
    }
    // A daemon that stalled between the message and the answer may find the decision gone (expired)
    // and take it for itself, after another daemon answered: it stays silent instead.
    if (performance.now() - received > ROUTE_TTL_MS / 2) {
      this.onError(
        new LockbridgeError('timeout', 'Routing a message took too long; another daemon answers it'),
      );
      return false;
    }
    const bar = decision.lastIndexOf('|');
    if (decision.slice(0, bar) !== this.node) return false;
    const lock = target.lockId;
    if (lock !== undefined && decision.slice(bar + 1) === '1' && !this.hasLock(lock))
      throw new LockbridgeError(
        'not_ready',
        'The account of this lock is changing hands between daemons (cluster failover); nothing was sent, try again',
        { lockId: lock },
      );
    return true;
  }

  private async decide(digest: string, lockId: string, account: string): Promise<string> {
    return (await this.redis.eval(
      ROUTE,
      2,
      this.keys.route(digest),
      this.keys.locks,
      this.node,
      lockId,
      account,
      ROUTE_TTL_MS,
      this.keys.lease(''),
      this.keys.fence(''),
      this.offline().join(','),
    )) as string;
  }
}

/** The lock (or account) a request names: `lock`, the first of `lockIds` (code sets), or `account`. */
function targetOf(payload: Buffer): { lockId?: string; account?: string } {
  // An oversized payload is refused by the bridge anyway; it is not parsed here either.
  if (payload.length > 65_536) return {};
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    if (!value || typeof value !== 'object') return {};
    const v = value as Record<string, unknown>;
    const lockIds = Array.isArray(v.lockIds) ? (v.lockIds as unknown[]) : [];
    const lock =
      typeof v.lock === 'string' ? v.lock : typeof lockIds[0] === 'string' ? lockIds[0] : undefined;
    return { lockId: lock, account: typeof v.account === 'string' ? v.account : undefined };
  } catch {
    return {};
  }
}
