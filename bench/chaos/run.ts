/**
 * `npm run chaos`: the fault matrix of issue 14 against the four vendor emulators (in a process of
 * their own) and the real `lockbridge run` (another process), counted on the vendor side. Prints the
 * figures whatever they are; exits 1 when any command was sent late, actuated twice, left unanswered,
 * answered ok without acting, when a code was lost or doubled after a kill, or when the daemon crashed.
 *
 * Phase 1: the daemon's embedded broker (aedes, MQTT 3.1.1). Phase 2, when mosquitto is installed: a
 * daemon on an external mosquitto (MQTT 5 clients, a broker restart). CHAOS_ONLY=<text> runs the
 * scenarios whose name contains it; CHAOS_SEED sets the fuzz seed; CHAOS_VERBOSE=1 shows lockbridge's log.
 */
import { Harness, type Scenario } from './harness';
import {
  ALL_FAULT_SCENARIOS,
  augustBusy,
  latencyBeyondTimeout,
  offlineLocks,
  outage,
  rateLimited,
  reusedTransactions,
  unauthorizedMidCommand,
} from './scenarios';
import { brokerRestart, daemonRestart, killDuringCodeSet } from './restarts';
import { fuzz } from './fuzz';
import { findMosquitto, RestartableMosquitto } from './mosquitto';
import { printReport, failing } from './report';
import type { ScenarioFigures } from './figures';

const OPTIONS = { pollIntervalSeconds: 5, commandTimeoutSeconds: 4 };
const FUZZ_MESSAGES = 10_000;

function onMqtt5Broker(s: Scenario): Scenario {
  return { ...s, name: `${s.name} [mosquitto, MQTT 5]` };
}

async function main(): Promise<number> {
  const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
  const only = process.env.CHAOS_ONLY;
  const seed = Number(process.env.CHAOS_SEED ?? 14);
  const mosquittoBinary = findMosquitto();
  const figures: ScenarioFigures[] = [];
  const notes: string[] = [];
  log('starting the emulators and lockbridge run (embedded broker)');
  const h = await Harness.start({
    ...OPTIONS,
    verbose: process.env.CHAOS_VERBOSE === '1',
    measureRecovery: true,
    log,
  });
  const broker = mosquittoBinary ? new RestartableMosquitto(mosquittoBinary) : undefined;
  // Ctrl-C: the emulators, the daemon and mosquitto go with us.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      void Promise.allSettled([h.stop(), broker?.dispose()]).then(() => process.exit(130));
    });
  const runAll = async (scenarios: Scenario[]) => {
    for (const scenario of scenarios) {
      if (only && !scenario.name.includes(only)) continue;
      log(scenario.name);
      const f = await h.run(scenario);
      log(`  ${JSON.stringify(f)}`);
      figures.push(f);
    }
  };
  try {
    await runAll([
      ...ALL_FAULT_SCENARIOS,
      outage(30),
      daemonRestart,
      killDuringCodeSet(undefined, 5, '3715'),
      killDuringCodeSet(300, 5, '4826'),
      killDuringCodeSet(700, 5, '5937'),
      killDuringCodeSet(3000, 5, '6148'),
      fuzz(broker ? FUZZ_MESSAGES / 2 : FUZZ_MESSAGES, 4, seed),
    ]);
    if (broker) {
      log('moving to a daemon on an external mosquitto (MQTT 5 clients, broker restart)');
      await broker.start();
      await h.switchBroker(broker.url);
      await runAll([
        ...[
          latencyBeyondTimeout(1),
          rateLimited(1),
          augustBusy(1),
          unauthorizedMidCommand,
          offlineLocks(),
          reusedTransactions(),
        ].map(onMqtt5Broker),
        brokerRestart(broker),
        fuzz(FUZZ_MESSAGES / 2, 5, seed + 1),
      ]);
    } else
      notes.push(
        'mosquitto is not installed: no MQTT 5 phase and no broker restart (all fuzz over MQTT 3.1.1)',
      );
  } finally {
    await h.stop();
    await broker?.dispose();
  }
  printReport(figures, h.crashes, OPTIONS, notes);
  return failing(figures, h.crashes) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
