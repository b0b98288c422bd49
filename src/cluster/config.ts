import type { ClusterConfig, LockbridgeConfig } from '../config/types';

/** Cluster settings with every default applied; all times in ms. */
export interface ClusterSettings {
  redisUrl: string;
  node: string;
  keyPrefix: string;
  /** How long a lease lives in Redis without renewal. */
  leaseMs: number;
  /** How often leases are renewed and membership refreshed (a third of the lease). */
  renewEveryMs: number;
  /**
   * How much earlier than the lease's end this daemon stops acting on an account it could not renew.
   * The lease's end is counted from the moment the renewal was SENT (Redis starts the expiry when it
   * receives it, later), so the local deadline is always before Redis lets another node take over; the
   * margin covers clock rate drift between this host and Redis (ppm, far below it) and the time from
   * the last check to the request reaching the vendor (commands.sendMarginMs sits inside it).
   */
  safetyMarginMs: number;
}

export const DEFAULT_LEASE_SECONDS = 15;

/** The rules of `cluster` a JSON Schema cannot say (checked by validateConfig; `lockbridge run` exits 2). */
export function clusterConfigProblems(
  config: Pick<LockbridgeConfig, 'cluster' | 'accounts' | 'mqtt'>,
): string[] {
  if (!config.cluster) return [];
  const problems: string[] = [];
  if (!config.mqtt?.url)
    problems.push(
      'cluster needs mqtt.url: every daemon of a cluster connects to the same external broker (the embedded one lives and dies with one daemon)',
    );
  if (config.mqtt?.clientId !== undefined)
    problems.push('cluster: leave mqtt.clientId out; each daemon derives its own from cluster.node');
  if (config.accounts.some((a) => a.vendor === 'sandbox'))
    problems.push('cluster: sandbox accounts run emulators inside one daemon and cannot be shared');
  return problems;
}

export function resolveClusterSettings(cluster: ClusterConfig): ClusterSettings {
  const leaseMs = Math.round((cluster.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000);
  return {
    redisUrl: cluster.redis,
    node: cluster.node,
    keyPrefix: cluster.keyPrefix ?? 'lockbridge',
    leaseMs,
    renewEveryMs: Math.max(100, Math.floor(leaseMs / 3)),
    // A fifth of the lease: with renewals every third, a daemon gets two tries before it stops.
    safetyMarginMs: Math.max(200, Math.floor(leaseMs / 5)),
  };
}
