/**
 * Every Redis key of a cluster, in one place. Keys hold account ids and lock ids, which the config
 * schema and lockIdFor keep to safe characters; the prefix (cluster.keyPrefix) separates clusters.
 * One Redis instance (or a primary with replicas), not Redis Cluster: the Lua scripts below touch
 * keys of several accounts at once.
 */
export class ClusterKeys {
  constructor(readonly prefix: string) {}

  /** `<node>|<token>` while a node holds the account, with the lease's expiry. */
  lease(account: string): string {
    return `${this.prefix}:lease:${account}`;
  }
  /** The account's fencing counter: INCR once per new owner. */
  fence(account: string): string {
    return `${this.prefix}:fence:${account}`;
  }
  /** Sorted set: node -> the Redis time (ms) its heartbeat runs out. */
  get members(): string {
    return `${this.prefix}:members`;
  }
  /** Hash: operation id -> journal entry JSON, for the account's pending access-code operations. */
  journal(account: string): string {
    return `${this.prefix}:journal:${account}`;
  }
  /** Hash: lock id -> its `bridge/locks` entry JSON, written by the lock's owner; the cluster's lock list. */
  get locks(): string {
    return `${this.prefix}:locks`;
  }
  /** Hash: lock id -> its state payload JSON (as on `<lock>/state`), written by the lock's owner. */
  get lockStates(): string {
    return `${this.prefix}:states`;
  }
  /** Hash: account -> its status JSON, written by its owner. */
  get accountStatus(): string {
    return `${this.prefix}:accounts`;
  }
  /** A counter bumped whenever the lock list, an account status or a lease changes hands. */
  get viewVersion(): string {
    return `${this.prefix}:view`;
  }
  /** Which node answers one command or request (see command-router.ts). */
  route(digest: string): string {
    return `${this.prefix}:route:${digest}`;
  }
}

/** The value of a lease key: who holds it and with which fencing token. */
export function leaseValue(node: string, token: number): string {
  return `${node}|${token}`;
}

export function parseLeaseValue(
  value: string | null | undefined,
): { node: string; token: number } | undefined {
  if (!value) return undefined;
  const bar = value.lastIndexOf('|');
  const token = Number(value.slice(bar + 1));
  if (bar <= 0 || !Number.isSafeInteger(token)) return undefined;
  return { node: value.slice(0, bar), token };
}
