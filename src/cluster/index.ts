import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { LockbridgeError, toLockbridgeError } from '../core/errors';
import { systemClock, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Redactor } from '../core/redact';
import type { ClusterConfig, VendorAccountConfig } from '../config/types';
import type { LockHub } from '../hub/hub';
import type { ClusterBridgeOptions } from '../mqtt/bridge';
import { resolveClusterSettings, type ClusterSettings } from './config';
import { ClusterKeys } from './keys';
import { Membership } from './membership';
import { LeaseManager } from './lease-manager';
import { RedisJournalStore } from './journal-store';
import { CommandRouter } from './command-router';
import { ClusterViewExtension, clusterAccounts, clusterLocks } from './cluster-view';
import { NodeStates } from './node-states';

export { resolveClusterSettings, clusterConfigProblems, type ClusterSettings } from './config';
export { LeaseManager } from './lease-manager';

/** One daemon's part of a cluster: its Redis connection, its leases, its journal store. */
export interface ClusterNode {
  settings: ClusterSettings;
  redis: Redis;
  keys: ClusterKeys;
  leases: LeaseManager;
  journal: RedisJournalStore;
  /** What the MQTT bridge needs, once the hub exists. */
  bridgeOptions(hub: LockHub): ClusterBridgeOptions;
  /** Starts the lease rounds (after the hub and the bridge listen, so nothing gained is missed). */
  start(): void;
  /** Hands every lease back and closes Redis. */
  stop(): Promise<void>;
}

/** The MQTT client id of a cluster node: its own (the broker would drop one of two alike). */
export function clusterClientId(node: string, baseTopic: string): string {
  return `lockbridge_${createHash('sha256').update(`${node}\0${baseTopic}`).digest('hex').slice(0, 12)}`;
}

export async function connectCluster(
  config: ClusterConfig,
  accounts: VendorAccountConfig[],
  logger: Logger,
  /** Receives the Redis password (the process-wide redactor of the logger). */
  secretSink?: Redactor,
  clock: Clock = systemClock,
): Promise<ClusterNode> {
  const settings = resolveClusterSettings(config);
  secretSink?.addSecret(redisPassword(settings.redisUrl));
  const redis = new Redis(settings.redisUrl, {
    lazyConnect: true,
    // A command that cannot be answered within a renewal period is useless to the lease logic: it
    // fails, and the lease's local deadline decides.
    commandTimeout: settings.renewEveryMs,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', (err: Error) => logger.debug(`Redis: ${err.message}`));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    // Host and port only: the URL may carry a password, and foreign messages are not repeated.
    const code = (err as { code?: unknown }).code;
    throw new LockbridgeError(
      'vendor_unavailable',
      `Cannot reach Redis at ${redisAddress(settings.redisUrl)} (cluster.redis)${typeof code === 'string' ? `: ${code}` : ''}`,
    );
  }
  const keys = new ClusterKeys(settings.keyPrefix);
  const membership = new Membership(redis, keys, settings.node, settings.leaseMs);
  const ids = accounts.map((a) => a.id);
  const leases = new LeaseManager({ redis, keys, membership, settings, accounts: ids, clock, logger });
  const nodeStates = new NodeStates(settings.node);
  /** Whether another daemon is live: beating in Redis and not gone by its last will on the broker. */
  const othersIn = (live: string[]): boolean => {
    const gone = new Set(nodeStates.offline());
    return live.some((node) => node !== settings.node && !gone.has(node));
  };
  /** Read by stop() from Redis, for the bridge's clean stop that follows it. */
  let othersAtStop: boolean | undefined;
  const journal = new RedisJournalStore(
    redis,
    keys,
    settings.node,
    leases,
    () => [...leases.holdings().keys()],
    logger,
  );
  return {
    settings,
    redis,
    keys,
    leases,
    journal,
    bridgeOptions(hub) {
      const known = new Set(ids);
      const configured = accounts.map((a) => ({ id: a.id, vendor: a.vendor }));
      return {
        node: settings.node,
        gate: new CommandRouter(
          redis,
          keys,
          settings.node,
          (lockId) => hub.hasLock(lockId),
          known,
          (err) => logger.warn(`Cluster: cannot route a message: ${toLockbridgeError(err).message}`),
          () => nodeStates.offline(),
        ),
        // Asked by the bridge's clean stop, after stop() below read Redis (which it then closes); the
        // last round's list is the fallback (it may predate a daemon that joined since).
        othersLive: () => othersAtStop ?? othersIn(leases.live),
        operations: {
          locks: () => clusterLocks(redis, keys),
          accounts: async () => (await clusterAccounts(redis, keys, configured)).accounts,
        },
        extensions: (ctx) => [
          new ClusterViewExtension(ctx, {
            redis,
            keys,
            node: settings.node,
            accounts: configured,
            live: () => leases.live,
            intervalMs: settings.renewEveryMs,
            nodeStates,
          }),
        ],
      };
    },
    start() {
      logger.info(
        `Cluster node "${settings.node}": sharing ${ids.length} account(s) through Redis (lease ${settings.leaseMs / 1000} s)`,
      );
      leases.start();
    },
    async stop() {
      await leases.stop();
      othersAtStop = await membership
        .live()
        .then(othersIn)
        .catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The password in a redis:// URL, if any (decoded, as it would appear in a message). */
function redisPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** host:port of a redis:// URL, for messages. */
function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}
