import type Redis from 'ioredis';
import { toLockbridgeError } from '../core/errors';
import type { AccountStatus, LockEvent } from '../core/events';
import type { Lock } from '../core/model';
import { bridgeInfoOf, type BridgeInfo } from '../mqtt/bridge-info';
import { Extension, type BridgeContext } from '../mqtt/extensions/extension';
import { decodeLockInfo, decodeState, encodeLockInfo, encodeState, unknownStatus } from '../mqtt/wire';
import { parseLeaseValue, type ClusterKeys } from './keys';
import type { NodeStates } from './node-states';

/** `<base>/bridge/info` in cluster mode: the usual fields, and which node holds which account. */
export interface ClusterBridgeInfo extends BridgeInfo {
  cluster: {
    nodes: Array<{ node: string; accounts: string[] }>;
    /** Accounts nobody holds right now (a failover under way, or fewer live nodes than needed). */
    unassigned: string[];
  };
}

export interface ClusterViewOptions {
  redis: Redis;
  keys: ClusterKeys;
  node: string;
  /** Every configured account (id and vendor), the same on every node. */
  accounts: Array<{ id: string; vendor: string }>;
  /** Live nodes at the lease manager's last round, sorted. */
  live: () => string[];
  /** How often the leader looks for changes to publish. */
  intervalMs: number;
  /** Fed from `<base>/bridge/node/+/state`. */
  nodeStates: NodeStates;
}

/**
 * The namespace-wide topics of a cluster: `<base>/bridge/locks`, `bridge/accounts` and `bridge/info`.
 * Each daemon writes what it owns to Redis (its locks' descriptions, its accounts' statuses); one
 * daemon, the live node first by name (the leader), publishes the union whenever it changed, so the
 * retained lists are whole (Homebridge and Node-RED build their lock list from `bridge/locks`) and are
 * not overwritten by each daemon's share. Two daemons that both think they lead for a moment publish
 * the same union.
 */
export class ClusterViewExtension extends Extension {
  private timer?: NodeJS.Timeout;
  private flushing?: NodeJS.Immediate;
  private readonly added = new Map<string, string>();
  /** Lock id -> its state payload, for cluster-wide `locks` answers (see clusterLocks). */
  private readonly states = new Map<string, string>();
  private readonly removed = new Set<string>();
  private readonly statuses = new Map<string, AccountStatus>();
  private published = '';
  private stopped = false;

  constructor(
    ctx: BridgeContext,
    private readonly o: ClusterViewOptions,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    for (const status of this.ctx.source.accounts())
      if (status.state !== 'stopped') this.statuses.set(status.account, status);
    const prefix = `${this.ctx.topics.base}/bridge/node/`;
    await this.listen(this.ctx.topics.nodeState('+'), (message) =>
      this.o.nodeStates.onMessage(message.topic.slice(prefix.length).split('/')[0], message),
    );
    await this.flush();
    const loop = () => {
      if (this.stopped) return;
      void this.lead()
        .catch((err) => this.ctx.logger.warn(`Cluster view: ${toLockbridgeError(err).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs);
        });
    };
    loop();
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushing) clearImmediate(this.flushing);
    await this.flush().catch(() => undefined);
    await super.stop();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'lock_added' || event.type === 'lock_changed') {
      this.removed.delete(event.lock.id);
      this.added.set(event.lock.id, JSON.stringify(encodeLockInfo(event.lock)));
      this.states.set(event.lock.id, JSON.stringify(encodeState(event.lock.status)));
    } else if (event.type === 'state') {
      this.states.set(event.lock.id, JSON.stringify(encodeState(event.lock.status)));
      // A state change alone does not change the published lists: no version bump for it.
      this.flushing ??= setImmediate(() => {
        this.flushing = undefined;
        void this.flush().catch((err) =>
          this.ctx.logger.warn(`Cluster view: writing to Redis failed: ${toLockbridgeError(err).message}`),
        );
      });
      return;
    } else if (event.type === 'lock_removed' && !event.handover) {
      this.added.delete(event.lockId);
      this.states.delete(event.lockId);
      this.removed.add(event.lockId);
    } else if (event.type === 'account' && event.status.state !== 'stopped') {
      this.statuses.set(event.status.account, event.status);
    } else return;
    this.flushing ??= setImmediate(() => {
      this.flushing = undefined;
      void this.flush().catch((err) =>
        this.ctx.logger.warn(`Cluster view: writing to Redis failed: ${toLockbridgeError(err).message}`),
      );
    });
  }

  /** Writes what changed here to Redis in one round trip, and bumps the view's version. */
  private async flush(): Promise<void> {
    const listsChanged = this.added.size > 0 || this.removed.size > 0 || this.statuses.size > 0;
    if (!listsChanged && this.states.size === 0) return;
    const { redis, keys } = this.o;
    const multi = redis.multi();
    if (this.states.size > 0) multi.hset(keys.lockStates, Object.fromEntries(this.states));
    this.states.clear();
    if (!listsChanged) {
      await multi.exec();
      return;
    }
    if (this.added.size > 0) multi.hset(keys.locks, Object.fromEntries(this.added));
    if (this.removed.size > 0) {
      multi.hdel(keys.locks, ...this.removed);
      multi.hdel(keys.lockStates, ...this.removed);
    }
    if (this.statuses.size > 0)
      multi.hset(
        keys.accountStatus,
        Object.fromEntries([...this.statuses].map(([id, s]) => [id, JSON.stringify(s)])),
      );
    multi.incr(keys.viewVersion);
    this.added.clear();
    this.removed.clear();
    this.statuses.clear();
    await multi.exec();
  }

  /** The leader publishes the union when the view's version or the live nodes changed. */
  private async lead(): Promise<void> {
    const live = this.o.live();
    if (live[0] !== this.o.node) {
      this.published = '';
      return;
    }
    const { redis, keys } = this.o;
    const mark = `${(await redis.get(keys.viewVersion)) ?? '0'}|${live.join(',')}`;
    if (mark === this.published) return;
    const [locks, { accounts, holders }] = await Promise.all([
      redis.hgetall(keys.locks),
      clusterAccounts(redis, keys, this.o.accounts),
    ]);
    const list = Object.entries(locks)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([, info]) => info);
    const info: ClusterBridgeInfo = {
      ...bridgeInfoOf(this.ctx.version, this.ctx.settings, accounts),
      cluster: {
        nodes: live.map((node) => ({
          node,
          accounts: this.o.accounts.filter((a) => holders.get(a.id) === node).map((a) => a.id),
        })),
        unassigned: this.o.accounts.filter((a) => !holders.get(a.id)).map((a) => a.id),
      },
    };
    const { connection, topics } = this.ctx;
    // The list is joined from the stored JSON, not parsed and encoded again (30,000 locks).
    await connection.publish(topics.bridgeLocks, `[${list.join(',')}]`, { retain: true });
    await connection.publish(topics.bridgeAccounts, this.json(accounts), { retain: true });
    await connection.publish(topics.bridgeInfo, this.json(info), { retain: true });
    this.published = mark;
  }
}

/**
 * Every account of the cluster with its status as its holder last wrote it; an account nobody holds
 * is `connecting` (whatever its last owner said, it is not served right now).
 */
export async function clusterAccounts(
  redis: Redis,
  keys: ClusterKeys,
  configured: Array<{ id: string; vendor: string }>,
): Promise<{ accounts: AccountStatus[]; holders: Map<string, string | undefined> }> {
  const [statuses, leases] = await Promise.all([
    redis.hgetall(keys.accountStatus),
    configured.length > 0 ? redis.mget(configured.map((a) => keys.lease(a.id))) : [],
  ]);
  const holders = new Map<string, string | undefined>();
  configured.forEach((a, i) => holders.set(a.id, parseLeaseValue(leases[i])?.node));
  const accounts: AccountStatus[] = configured.map((a) => {
    const known = parse<AccountStatus>(statuses[a.id]);
    if (!holders.get(a.id))
      return { account: a.id, vendor: a.vendor, state: 'connecting', lockCount: known?.lockCount ?? 0 };
    return known ?? { account: a.id, vendor: a.vendor, state: 'connecting', lockCount: 0 };
  });
  return { accounts, holders };
}

/**
 * Every lock of the cluster, each with the state its owner last published, sorted by id: what
 * `bridge/request/locks` answers in cluster mode, whichever daemon answers it.
 */
export async function clusterLocks(redis: Redis, keys: ClusterKeys): Promise<Lock[]> {
  const [infos, states] = await Promise.all([redis.hgetall(keys.locks), redis.hgetall(keys.lockStates)]);
  const out: Lock[] = [];
  for (const id of Object.keys(infos).sort()) {
    const status = decodeState(parse<unknown>(states[id])) ?? unknownStatus();
    const lock = decodeLockInfo(parse<unknown>(infos[id]), status);
    if (lock) out.push(lock);
  }
  return out;
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
