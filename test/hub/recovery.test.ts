import assert from 'node:assert/strict';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';

async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 4000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`${what} never happened`);
}

describe('hub: recovery after an outage comes within one base poll interval (test vendor, real HTTP)', () => {
  let f: HubFixture;
  afterEach(async () => f?.stop());

  it('polls keep the base interval through a long outage; the first poll after it brings the locks back', async () => {
    f = await startHubFixture({ hub: { pollIntervalMs: 200, maxPollIntervalMs: 15 * 60_000 } });
    const base = f.hub.stats.pollCycles;
    f.emulator.server.faults.outage(502, { method: 'GET', path: /^\/locks$/ });
    await waitUntil(() => f.hub.stats.pollCycles >= base + 5, 'five failed polls');
    assert.equal(f.hub.accounts()[0].state, 'error');
    assert.equal((await f.hub.getLock('testvendor_front')).status.online, false);
    // Before: the interval doubled with each failure (200 ms -> 6.4 s after five).
    assert.equal(f.hub.pollIntervalOf('tv'), 200);
    f.emulator.server.faults.clear();
    await waitUntil(
      async () => (await f.hub.getLock('testvendor_front')).status.online,
      'the lock back online',
    );
    assert.equal(f.hub.accounts()[0].state, 'connected');
  });

  it('after a rate-limit backoff, any successful call brings the next poll back to the base interval', async () => {
    f = await startHubFixture({ hub: { pollIntervalMs: 300, maxPollIntervalMs: 15 * 60_000 } });
    // Every try of three polls is refused with 429 (Retry-After 0): the hub backs off.
    f.emulator.server.faults.rateLimit(9, 0, { method: 'GET', path: /^\/locks$/ });
    for (let i = 0; i < 3; i++) await f.hub.refresh();
    assert.ok(f.hub.pollIntervalOf('tv') >= 2400, `backed off to ${f.hub.pollIntervalOf('tv')} ms`);
    // A command succeeds: the vendor answers again.
    await f.hub.command({ lockId: 'testvendor_back', command: 'LOCK' });
    assert.equal(f.hub.pollIntervalOf('tv'), 300);
    const cycles = f.hub.stats.pollCycles;
    await waitUntil(() => f.hub.stats.pollCycles > cycles, 'the next poll');
  });
});
