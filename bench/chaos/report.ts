/** The chaos report: a table per scenario, the totals, and which of them fail the run. */
import type { Crash } from './daemon-process';
import type { ScenarioFigures } from './figures';

export interface Totals {
  sent: number;
  late: number;
  doubled: number;
  unanswered: number;
  okWithoutActuation: number;
  backwards: number;
  wrongStates: number;
  codesLost: number;
  codesDoubled: number;
  crashes: number;
}

export function totalsOf(figures: ScenarioFigures[], crashes: Crash[]): Totals {
  const sum = (f: (x: ScenarioFigures) => number) => figures.reduce((n, x) => n + f(x), 0);
  return {
    sent: sum((x) => x.sent),
    late: sum((x) => x.late + x.lateActuations),
    doubled: sum((x) => x.doubled),
    unanswered: sum((x) => x.unanswered),
    okWithoutActuation: sum((x) => x.okWithoutActuation),
    backwards: sum((x) => x.backwards),
    wrongStates: sum((x) => x.wrongStates),
    codesLost: sum((x) => x.codesLost),
    codesDoubled: sum((x) => x.codesDoubled),
    crashes: crashes.length,
  };
}

/** Late, doubled, unanswered, ok without acting, codes lost or doubled, crashes: each must be zero. */
export function failing(figures: ScenarioFigures[], crashes: Crash[]): boolean {
  const t = totalsOf(figures, crashes);
  return (
    t.late + t.doubled + t.unanswered + t.okWithoutActuation + t.codesLost + t.codesDoubled + t.crashes > 0
  );
}

/** "max 3.2 s, 1 of 12 locks beyond the 5 s poll interval". */
function recoveryText(ms: number[], pollSeconds: number): string {
  const beyond = ms.filter((x) => x > pollSeconds * 1000).length;
  return `max ${(Math.max(...ms) / 1000).toFixed(1)} s, ${beyond} of ${ms.length} locks beyond the ${pollSeconds} s poll interval`;
}

export function printReport(
  figures: ScenarioFigures[],
  crashes: Crash[],
  options: { pollIntervalSeconds: number; commandTimeoutSeconds: number },
  notes: string[] = [],
): void {
  const out: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  out.push('');
  out.push(
    `lockbridge chaos: poll interval ${options.pollIntervalSeconds} s, command timeout ${options.commandTimeoutSeconds} s`,
  );
  out.push('');
  out.push(
    `${'scenario'.padEnd(52)} ${pad('sent', 5)} ${pad('late', 5)} ${pad('late*', 5)} ${pad('dbl', 4)} ${pad('unans', 5)} ${pad('ok!act', 6)} ${pad('back', 4)}  answers`,
  );
  for (const f of figures) {
    out.push(
      `${f.scenario.slice(0, 52).padEnd(52)} ${pad(f.sent, 5)} ${pad(f.late, 5)} ${pad(f.lateActuations, 5)} ${pad(f.doubled, 4)} ${pad(f.unanswered, 5)} ${pad(f.okWithoutActuation, 6)} ${pad(f.backwards, 4)}  ${Object.entries(
        f.answers,
      )
        .map(([k, v]) => `${k}:${v}`)
        .join(' ')}`,
    );
    if (f.codesLost || f.codesDoubled || f.scenario.includes('kill'))
      out.push(`${''.padEnd(52)} codes lost ${f.codesLost}, codes doubled ${f.codesDoubled}`);
    if (f.recoveryMs.length)
      out.push(
        `${''.padEnd(52)} time to the true state after the fault: ${recoveryText(f.recoveryMs, options.pollIntervalSeconds)}`,
      );
    for (const note of f.notes) out.push(`${''.padEnd(52)} ${note}`);
  }
  const t = totalsOf(figures, crashes);
  const recovery = figures.flatMap((f) => f.recoveryMs);
  out.push('');
  out.push(`commands sent                          ${t.sent}`);
  out.push(
    `late sends (arrival after deadline)    ${t.late}   (late* column: actuations after the deadline, counted where no vendor latency was injected)`,
  );
  out.push(`doubled actuations                     ${t.doubled}`);
  out.push(`unanswered commands                    ${t.unanswered}`);
  out.push(`answered ok, no actuation              ${t.okWithoutActuation}`);
  out.push(`states published backwards             ${t.backwards}`);
  out.push(
    `locks left in a wrong state           ${t.wrongStates}   (MQTT still not the vendor's state 3 poll intervals after the faults)`,
  );
  out.push(`codes lost / doubled after kill -9     ${t.codesLost} / ${t.codesDoubled}`);
  out.push(`crashes (daemon exits)                 ${t.crashes}`);
  out.push(
    `time to the true state after a fault   ${recovery.length ? `${recoveryText(recovery, options.pollIntervalSeconds)} (goal: within one poll interval)` : 'not measured'}`,
  );
  for (const c of crashes)
    out.push(
      `crash: ${c.label} exited ${c.code ?? c.signal}; last log: ${c.lastLog.slice(-400).replace(/\n/g, ' | ')}`,
    );
  for (const note of notes) out.push(`note: ${note}`);
  out.push('');
  out.push(
    failing(figures, crashes)
      ? 'RESULT: FAIL (late, doubled, unanswered, ok-without-actuation, lost codes or crashes above zero)'
      : 'RESULT: PASS',
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
