import assert from 'node:assert/strict';
import { planShare } from '../../src/cluster/fair-share';

const accounts = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

/** Plays rounds of every node against a shared holder table until nothing moves. */
function settle(all: string[], nodes: string[], start = new Map<string, string>()): Map<string, string> {
  const holders = new Map(start);
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (const node of nodes) {
      const mine = new Set([...holders].filter(([, n]) => n === node).map(([a]) => a));
      const view = new Map<string, string | undefined>(all.map((a) => [a, holders.get(a)]));
      const plan = planShare({ node, accounts: all, holders: view, live: nodes, mine });
      for (const a of plan.release) holders.delete(a);
      for (const a of plan.acquire) if (!holders.has(a)) holders.set(a, node);
      moved ||= plan.release.length > 0 || plan.acquire.length > 0;
    }
    if (!moved) return holders;
  }
  throw new Error('the shares never settled');
}

const counts = (holders: Map<string, string>, nodes: string[]) =>
  nodes.map((n) => [...holders.values()].filter((h) => h === n).length);

describe('cluster: fair share', () => {
  it('spreads accounts evenly: floor or ceil of accounts / live nodes each', () => {
    for (const [n, nodes] of [
      [6, ['x', 'y', 'z']],
      [7, ['x', 'y', 'z']],
      [2, ['x', 'y', 'z']],
      [30, ['n1', 'n2', 'n3', 'n4']],
    ] as const) {
      const all = accounts(n);
      const holders = settle(all, [...nodes]);
      assert.equal(holders.size, n, 'every account is held');
      const c = counts(holders, [...nodes]);
      assert.ok(Math.max(...c) - Math.min(...c) <= 1, `${n} over ${nodes.length}: ${c}`);
      assert.ok(Math.max(...c) <= Math.ceil(n / nodes.length));
    }
  });

  it('a joining node gets its share, and a departed node’s accounts are spread over the rest', () => {
    const all = accounts(6);
    const two = settle(all, ['x', 'y']);
    assert.deepEqual(counts(two, ['x', 'y']), [3, 3]);
    const three = settle(all, ['x', 'y', 'z'], two);
    assert.deepEqual(counts(three, ['x', 'y', 'z']), [2, 2, 2]);
    const withoutY = new Map([...three].filter(([, n]) => n !== 'y'));
    const after = settle(all, ['x', 'z'], withoutY);
    assert.deepEqual(counts(after, ['x', 'z']), [3, 3]);
  });

  it('takes nothing held by another node, and hands back nothing when balanced', () => {
    const all = accounts(4);
    const holders = new Map<string, string | undefined>([
      ['a0', 'x'],
      ['a1', 'x'],
      ['a2', 'y'],
      ['a3', 'y'],
    ]);
    const plan = planShare({
      node: 'x',
      accounts: all,
      holders,
      live: ['x', 'y'],
      mine: new Set(['a0', 'a1']),
    });
    assert.deepEqual(plan, { release: [], acquire: [] });
  });
});
