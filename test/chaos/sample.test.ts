import { strict as assert } from 'node:assert';
import { SOURCE_CLI } from '../../bench/chaos/daemon-process';
import { Harness, type Scenario } from '../../bench/chaos/harness';
import {
  augustBusy,
  latencyBeyondTimeout,
  offlineLocks,
  rateLimited,
  reusedTransactions,
  shadowBadGateway,
  unauthorizedMidCommand,
} from '../../bench/chaos/scenarios';

/**
 * A small sample of `npm run chaos` (bench/chaos): the four vendor emulators in one process, the real
 * `lockbridge run` in another, MQTT here, faults injected at the vendor. Fails on any command sent to
 * the vendor after its deadline (or acted on after it, where no vendor latency was injected: an offline
 * lock's queued open), actuated twice, never answered, or answered ok without acting (a reused
 * transaction the vendor took for a duplicate), and on a daemon crash. Counts only: no timing is
 * asserted. The daemon runs from the TypeScript source, so a stale build hides nothing.
 *
 * Not here: the daemon and broker restarts (commands sent meanwhile go unanswered on main today) and
 * kill -9 during a code set (codes lost); add them as their fixes land. 502, dropped connections and
 * concurrency run in `npm run chaos` only, and offline locks and reused transactions run on
 * SmartphoneKey only (issue 14 items 5 and 4), to keep the sample short.
 */
const SAMPLE: Scenario[] = [
  latencyBeyondTimeout(1),
  rateLimited(1),
  augustBusy(1),
  unauthorizedMidCommand,
  shadowBadGateway,
  offlineLocks(['smartphonekey']),
  reusedTransactions(['smartphonekey']),
];

describe('chaos sample: no late, doubled or unanswered command under vendor faults', function () {
  this.timeout(180_000);
  let h: Harness | undefined;

  before(async function () {
    this.timeout(180_000);
    h = await Harness.start({
      pollIntervalSeconds: 5,
      commandTimeoutSeconds: 3,
      locks: { august: 4, seam: 3, smartphonekey: 7 },
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
        lateActuations: f.lateActuations,
        doubled: f.doubled,
        unanswered: f.unanswered,
        okWithoutActuation: f.okWithoutActuation,
        crashes: h!.crashes.length,
      };
      const zero = {
        late: 0,
        lateActuations: 0,
        doubled: 0,
        unanswered: 0,
        okWithoutActuation: 0,
        crashes: 0,
      };
      assert.deepEqual(counts, zero, f.notes.join('\n'));
      // The scenario did reach the vendor (an offline lock's command rightly does not): a count of
      // zero is then a finding, not an idle run.
      assert.ok(f.sent > 0, 'no command sent');
      if (!scenario.name.startsWith('offline'))
        assert.ok(f.arrivals > 0, `sent ${f.sent}, vendor arrivals 0`);
    });
});
