import { createHash } from 'node:crypto';

export interface ShareInput {
  node: string;
  /** Every configured account (the same list on every node). */
  accounts: string[];
  /** Who holds each account now, by Redis (a dead node's lease lasts until it runs out). */
  holders: ReadonlyMap<string, string | undefined>;
  /** Live nodes (heartbeats), this one included. */
  live: string[];
  /** The accounts this node holds (its own view, which Redis agrees with after renewal). */
  mine: ReadonlySet<string>;
}

export interface SharePlan {
  /** Accounts to hand back (surplus over this node's share). */
  release: string[];
  /** Free accounts to try to take, best first. */
  acquire: string[];
}

/**
 * Fair share without a coordinator. With A accounts over L live nodes every node holds floor(A/L) or
 * ceil(A/L). A node above ceil hands back its surplus; a node above floor hands one back while some
 * live node is below floor (a node that just joined); a node below floor takes free accounts first,
 * and only when no live node is below floor may a node take one more, up to ceil. That rule stops
 * the old nodes from re-taking what they handed back to a newcomer.
 *
 * Which accounts: each node ranks accounts by a hash of (node, account) (rendezvous hashing), so
 * nodes reach for different free accounts first and hand back the ones they rank lowest.
 */
export function planShare(input: ShareInput): SharePlan {
  const live = input.live.includes(input.node) ? input.live : [...input.live, input.node];
  const total = input.accounts.length;
  const floor = Math.floor(total / live.length);
  const ceil = Math.ceil(total / live.length);
  const mine = input.accounts.filter((a) => input.mine.has(a));
  const counts = new Map<string, number>(live.map((n) => [n, 0]));
  for (const a of input.accounts) {
    const holder = input.mine.has(a) ? input.node : input.holders.get(a);
    if (holder !== undefined && counts.has(holder)) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  }
  counts.set(input.node, mine.length);
  const someoneBelowFloor = [...counts.entries()].some(([n, c]) => n !== input.node && c < floor);
  const rank = (a: string) => createHash('sha1').update(`${input.node}\0${a}`).digest('hex');
  const byRank = (x: string, y: string) => (rank(x) < rank(y) ? 1 : rank(x) > rank(y) ? -1 : 0);

  let keep = mine.length;
  if (keep > ceil) keep = ceil;
  if (keep > floor && someoneBelowFloor) keep -= 1;
  const release = [...mine]
    .sort(byRank)
    .reverse()
    .slice(0, mine.length - keep);

  const free = input.accounts.filter((a) => !input.mine.has(a) && input.holders.get(a) === undefined);
  let want = 0;
  if (release.length === 0) {
    if (mine.length < floor) want = floor - mine.length;
    else if (mine.length < ceil && !someoneBelowFloor) want = ceil - mine.length;
  }
  return { release, acquire: free.sort(byRank).slice(0, want) };
}
