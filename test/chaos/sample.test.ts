import { strict as assert } from 'node:assert';
import { SOURCE_CLI } from '../../bench/chaos/daemon-process';
import { Harness, type Scenario } from '../../bench/chaos/harness';
import {
  badGateway,
  concurrentOneLock,
  droppedConnections,
  latencyBeyondTimeout,
  rateLimited,
  shadowBadGateway,
} from '../../bench/chaos/scenarios';

/**
 * A small sample of `npm run chaos` (bench/chaos): the four vendor emulators in one process, the real
 * `lockbridge run` in another, MQTT here, faults injected at the vendor. Fails on any command sent to
 * the vendor after its deadline, actuated twice, or never answered, and on a daemon crash. Counts only:
 * no timing is asserted. The daemon runs from the TypeScript source, so a stale build hides nothing.
 *
 * Scenarios of the full matrix not here yet fail on main today (see the chaos report): 423, 401 with a
 * slow re-login, offline locks, reused transactions. Add them as their fixes land.
 */
const SAMPLE: Scenario[] = [
  latencyBeyondTimeout(1),
  rateLimited(1),
  badGateway(1),
  droppedConnections(1),
  shadowBadGateway,
  concurrentOneLock(5),
];

describe('chaos sample: no late, doubled or unanswered command under vendor faults', function () {
  this.timeout(180_000);
  let h: Harness | undefined;

  before(async function () {
    this.timeout(180_000);
    h = await Harness.start({
      pollIntervalSeconds: 5,
      commandTimeoutSeconds: 3,
      locks: { august: 5, seam: 5, smartphonekey: 6 },
      cli: SOURCE_CLI,
    });
  });

  after(async () => {
    await h?.stop();
  });

  for (const scenario of SAMPLE)
    it(scenario.name, async () => {
      const f = await h!.run(scenario);
      const counts = {
        late: f.late,
        doubled: f.doubled,
        unanswered: f.unanswered,
        crashes: h!.crashes.length,
      };
      assert.deepEqual(counts, { late: 0, doubled: 0, unanswered: 0, crashes: 0 }, f.notes.join('\n'));
      // The scenario did reach the vendor: a count of zero is a finding, not an idle run.
      assert.ok(f.sent > 0 && f.arrivals > 0, `sent ${f.sent}, vendor arrivals ${f.arrivals}`);
    });
});
