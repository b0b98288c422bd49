import type { Unsubscribe } from '../core/events';

/** This process gained (held) or lost an account. */
export interface OwnershipChange {
  account: string;
  held: boolean;
  /** The fencing token of the lease gained or lost. */
  token: number;
}

/**
 * Which accounts this process may act on, when it shares them with other processes (cluster mode,
 * src/cluster). Without it the hub acts on every account, as a single process always did.
 */
export interface AccountOwnership {
  /** The fencing token when this process may act on the account for at least marginMs more. */
  tokenOf(account: string, marginMs?: number): number | undefined;
  /** Throws not_ready unless this process may act on the account for at least marginMs more. */
  check(account: string, marginMs?: number): number;
  /** Gains and losses, synchronously: a loss must stop every action before the listener returns. */
  subscribe(listener: (change: OwnershipChange) => void): Unsubscribe;
}
