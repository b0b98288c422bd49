import type Redis from 'ioredis';
import { LockbridgeError, toLockbridgeError } from '../core/errors';
import { EventFanout, type Unsubscribe } from '../core/events';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { AccountOwnership, OwnershipChange } from '../hub/ownership';
import type { ClusterSettings } from './config';
import { planShare } from './fair-share';
import { leaseValue, parseLeaseValue, type ClusterKeys } from './keys';
import type { Membership } from './membership';

/** Takes a free lease: a new fencing token from the account's counter, then SET with expiry. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', tonumber(ARGV[2]))
return token
`;
/** Extends each lease that is still ours (compare, then extend); 1 per key renewed, 0 per key lost. */
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, tonumber(ARGV[1]))
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;
/** Hands a lease back, only if it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface Held {
  token: number;
  /** Local time after which this node no longer acts: renewal sent + lease - safety margin. */
  validUntil: number;
}

export interface LeaseManagerOptions {
  redis: Redis;
  keys: ClusterKeys;
  membership: Membership;
  settings: ClusterSettings;
  /** Every configured account id (the same list on every node). */
  accounts: string[];
  clock: Clock;
  logger: Logger;
}

/**
 * This node's leases on accounts: takes its fair share (fair-share.ts), renews them every third of a
 * lease, hands surplus back when a node joins, and stops acting on an account the moment it cannot
 * prove it still holds it: a renewal Redis refused, or a renewal that did not come back before the
 * local deadline (sent + lease - safety margin, always before Redis lets anyone else take it).
 *
 * It is the hub's AccountOwnership: the hub starts an account when it is acquired, stops it when it is
 * lost, and every vendor call checks `check()` right before it is written (with the command deadline).
 */
export class LeaseManager implements AccountOwnership {
  private readonly held = new Map<string, Held>();
  private readonly changes: EventFanout<OwnershipChange>;
  private timer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** Live nodes at the last round, sorted. */
  live: string[] = [];

  constructor(private readonly o: LeaseManagerOptions) {
    this.changes = new EventFanout<OwnershipChange>((err) =>
      o.logger.error(`A lease listener failed: ${toLockbridgeError(err).message}`),
    );
  }

  get node(): string {
    return this.o.settings.node;
  }

  subscribe(listener: (change: OwnershipChange) => void): Unsubscribe {
    return this.changes.subscribe(listener);
  }

  /** The fencing token of an account this node may act on now, else undefined. */
  tokenOf(account: string, marginMs = 0): number | undefined {
    const h = this.held.get(account);
    if (!h) return undefined;
    const left = h.validUntil - this.o.clock.now();
    if (left <= 0) {
      this.lose(account, 'its lease was not renewed in time');
      return undefined;
    }
    return left > marginMs ? h.token : undefined;
  }

  /** Throws not_ready unless this node holds the account for at least marginMs more. */
  check(account: string, marginMs = 0): number {
    const token = this.tokenOf(account, marginMs);
    if (token === undefined)
      throw new LockbridgeError(
        'not_ready',
        `Account "${account}" is not held by this daemon (${this.node}) right now; it is changing hands, try again`,
      );
    return token;
  }

  /** The accounts held now, with their tokens. */
  holdings(): Map<string, number> {
    const out = new Map<string, number>();
    for (const account of [...this.held.keys()]) {
      const token = this.tokenOf(account);
      if (token !== undefined) out.set(account, token);
    }
    return out;
  }

  /** Rounds every third of a lease, from now on. */
  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      void this.tick()
        .catch((err) => this.o.logger.warn(`Cluster round failed: ${toLockbridgeError(err).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.o.settings.renewEveryMs);
        });
    };
    loop();
  }

  /**
   * One round: heartbeat, renewal of every lease held, then hand back surplus or take free accounts.
   * Rounds never overlap; a round that throws (Redis unreachable) leaves the leases to their local
   * deadlines, and the watchdog drops them there.
   */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const { redis, keys, settings, accounts, clock } = this.o;
    this.expireOverdue();
    this.live = await this.o.membership.beat();
    await this.renew();
    const values = accounts.length > 0 ? await redis.mget(accounts.map((a) => keys.lease(a))) : [];
    const holders = new Map<string, string | undefined>();
    accounts.forEach((a, i) => holders.set(a, parseLeaseValue(values[i])?.node));
    // An account Redis says someone else holds is not ours, whatever we thought.
    for (const account of [...this.held.keys()])
      if (holders.get(account) !== settings.node)
        this.lose(account, `Redis says ${holders.get(account) ?? 'nobody'} holds it`);
    const plan = planShare({
      node: settings.node,
      accounts,
      holders,
      live: this.live,
      mine: new Set(this.held.keys()),
    });
    for (const account of plan.release) await this.release(account, 'handed over to balance the cluster');
    for (const account of plan.acquire) {
      if (this.stopped) return;
      const sentAt = clock.now();
      const token = (await redis.eval(
        ACQUIRE,
        2,
        keys.lease(account),
        keys.fence(account),
        settings.node,
        settings.leaseMs,
      )) as number | null;
      if (token === null) continue; // someone was quicker
      this.held.set(account, { token, validUntil: sentAt + settings.leaseMs - settings.safetyMarginMs });
      this.o.logger.info(`Took account "${account}" (fencing token ${token})`);
      await redis.incr(keys.viewVersion);
      this.changes.emit({ account, held: true, token });
    }
    this.armWatchdog();
  }

  private async renew(): Promise<void> {
    const { redis, keys, settings, clock } = this.o;
    const accounts = [...this.held.keys()];
    if (accounts.length === 0) return;
    const sentAt = clock.now();
    const tokens = accounts.map((a) => this.held.get(a)!.token);
    const renewed = (await redis.eval(
      RENEW,
      accounts.length,
      ...accounts.map((a) => keys.lease(a)),
      settings.leaseMs,
      ...tokens.map((token) => leaseValue(settings.node, token)),
    )) as number[];
    accounts.forEach((account, i) => {
      const h = this.held.get(account);
      if (!h || h.token !== tokens[i]) return;
      if (renewed[i] === 1) h.validUntil = sentAt + settings.leaseMs - settings.safetyMarginMs;
      else this.lose(account, 'Redis refused the renewal (the lease ran out or another node holds it)');
    });
  }

  /** Drops every lease whose local deadline has passed. */
  expireOverdue(): void {
    const now = this.o.clock.now();
    for (const [account, h] of [...this.held])
      if (h.validUntil <= now) this.lose(account, 'its lease was not renewed in time');
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (this.stopped || this.held.size === 0) return;
    const first = Math.min(...[...this.held.values()].map((h) => h.validUntil));
    this.watchdog = setTimeout(
      () => {
        this.expireOverdue();
        this.armWatchdog();
      },
      Math.max(0, first - this.o.clock.now()),
    );
    this.watchdog.unref?.();
  }

  /** Stops acting at once (listeners run synchronously), then tells nobody: the lease just runs out. */
  private lose(account: string, why: string): void {
    const h = this.held.get(account);
    if (!h) return;
    this.held.delete(account);
    this.o.logger.warn(`Lost account "${account}" (token ${h.token}): ${why}`);
    this.changes.emit({ account, held: false, token: h.token });
  }

  /** Stops acting first, then deletes the lease (if still ours) so another node may take it now. */
  private async release(account: string, why: string): Promise<void> {
    const h = this.held.get(account);
    if (!h) return;
    this.held.delete(account);
    this.o.logger.info(`Releasing account "${account}" (token ${h.token}): ${why}`);
    this.changes.emit({ account, held: false, token: h.token });
    await this.o.redis.eval(RELEASE, 1, this.o.keys.lease(account), leaseValue(this.node, h.token));
    await this.o.redis.incr(this.o.keys.viewVersion);
  }

  /** A clean stop: hands every lease back and leaves the membership, so others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdog) clearTimeout(this.watchdog);
    await this.running?.catch(() => undefined);
    for (const account of [...this.held.keys()])
      await this.release(account, 'this daemon is stopping').catch(() => undefined);
    await this.o.membership.leave().catch(() => undefined);
  }
}
