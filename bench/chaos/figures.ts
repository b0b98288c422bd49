/**
 * What a scenario's records say, counted on the vendor side: late sends, doubled actuations,
 * unanswered commands, commands answered ok that never actuated, states published backwards during a
 * command. Pure functions of the records, so the sample test and `npm run chaos` count alike.
 */
import type { CommandRecord, StateSample } from './commander';
import type { Actuation, Arrival } from './household';

export interface ScenarioFigures {
  scenario: string;
  sent: number;
  /** Requests to actuate that reached the vendor (faulted ones included). */
  arrivals: number;
  /** Requests to actuate that reached the vendor after their command's deadline. */
  late: number;
  /** Actuations that started after their command's deadline (counted where the scenario says so). */
  lateActuations: number;
  /** Actuations beyond one per command. */
  doubled: number;
  unanswered: number;
  /** Commands answered ok with no actuation at the vendor. */
  okWithoutActuation: number;
  /** Commands during which the lock's published state went back (UNLOCKING -> LOCKED -> UNLOCKED). */
  backwards: number;
  /** Code set under kill -9: locks left without the code, and locks holding it twice. */
  codesLost: number;
  codesDoubled: number;
  /** Time from the end of a fault to the true state on MQTT. */
  recoveryMs: number[];
  /** Locks whose MQTT state still differed from the vendor's three poll intervals after the faults. */
  wrongStates: number;
  /** How the commands were answered: status or error code, and how many. */
  answers: Record<string, number>;
  notes: string[];
}

export interface ScenarioRecords {
  scenario: string;
  /** One command per lock at a time (actuations map to commands), or many at once (counts only). */
  mode: 'sequential' | 'aggregate';
  /** The scenario injects no vendor latency, so an actuation after the deadline is Lockbridge's doing. */
  countLateActuations: boolean;
  commands: CommandRecord[];
  arrivals: Arrival[];
  actuations: Actuation[];
  states: Map<string, StateSample[]>;
  codesLost?: number;
  codesDoubled?: number;
  recoveryMs?: number[];
  wrongStates?: number;
  notes?: string[];
}

/** How far an estimated actuation time may be off (SmartphoneKey's counter is sampled). */
const ACTUATION_SLACK_MS = 250;
/** After an answer, states still belong to the command for this long (a late poll result). */
const AFTER_ANSWER_MS = 2000;

const ACTUATING = new Set(['LOCK', 'UNLOCK', 'OPEN']);

/** The latest command to the lock sent at or before `at`. */
function governing(commands: CommandRecord[], lock: string, at: number): CommandRecord | undefined {
  let found: CommandRecord | undefined;
  for (const c of commands)
    if (c.lock === lock && c.sentAt <= at && (!found || c.sentAt >= found.sentAt)) found = c;
  return found;
}

/** The latest deadline among commands to the lock sent at or before `at` (undefined: one has none). */
function latestDeadline(commands: CommandRecord[], lock: string, at: number): number | undefined {
  let latest = -Infinity;
  for (const c of commands) {
    if (c.lock !== lock || c.sentAt > at) continue;
    if (c.deadline === undefined) return undefined;
    latest = Math.max(latest, c.deadline);
  }
  return latest === -Infinity ? undefined : latest;
}

function wentBackwards(command: CommandRecord, samples: StateSample[], until: number): boolean {
  const target =
    command.command === 'LOCK' ? 'LOCKED' : command.command === 'UNLOCK' ? 'UNLOCKED' : undefined;
  if (!target) return false;
  const moving = command.command === 'LOCK' ? 'LOCKING' : 'UNLOCKING';
  const opposite = command.command === 'LOCK' ? 'UNLOCKED' : 'LOCKED';
  let phase: 'start' | 'moving' | 'back' = 'start';
  for (const s of samples) {
    if (s.at < command.sentAt || s.at > until) continue;
    if (phase === 'start' && (s.state === moving || s.state === target)) phase = 'moving';
    else if (phase === 'moving' && s.state === opposite) phase = 'back';
    else if (phase === 'back' && (s.state === target || s.state === moving)) return true;
  }
  return false;
}

export function figuresOf(r: ScenarioRecords): ScenarioFigures {
  const { commands } = r;
  const lockCommands = commands.filter((c) => ACTUATING.has(c.command));
  const notes = [...(r.notes ?? [])];
  let late = 0;
  for (const a of r.arrivals) {
    const deadline = latestDeadline(commands, a.lock, a.at);
    if (deadline === undefined || a.at <= deadline) continue;
    late += 1;
    const c = governing(commands, a.lock, a.at);
    if (late <= 3)
      notes.push(
        `late: ${a.method} ${a.path} reached the vendor ${a.at - deadline} ms after the deadline (answered ${a.status ?? 'never'}); the command ${c?.command ?? '?'} was answered ${c?.answer ? (c.answer.code ?? c.answer.status) : 'never'}`,
      );
  }
  let lateActuations = 0;
  if (r.countLateActuations)
    for (const a of r.actuations) {
      const deadline = latestDeadline(commands, a.lock, a.at + ACTUATION_SLACK_MS);
      if (deadline === undefined || a.at <= deadline + ACTUATION_SLACK_MS) continue;
      lateActuations += 1;
      const c = governing(commands, a.lock, a.at + ACTUATION_SLACK_MS);
      notes.push(
        `late actuation: ${a.lock} ${a.action} ${a.at - deadline} ms after the deadline; the command ${c?.command ?? '?'} was answered ${c?.answer ? (c.answer.code ?? c.answer.status) : 'never'}`,
      );
    }

  let doubled = 0;
  let okWithoutActuation = 0;
  if (r.mode === 'sequential') {
    const perCommand = new Map<number, number>();
    for (const a of r.actuations) {
      const c = governing(lockCommands, a.lock, a.at + ACTUATION_SLACK_MS);
      if (c) perCommand.set(c.index, (perCommand.get(c.index) ?? 0) + 1);
    }
    for (const c of lockCommands) {
      const n = perCommand.get(c.index) ?? 0;
      if (n > 1) doubled += n - 1;
      if (n === 0 && c.answer?.status === 'ok') {
        okWithoutActuation += 1;
        notes.push(`ok without actuation: ${c.command} on ${c.lock} (transaction ${c.transaction})`);
      }
    }
  } else {
    const locks = new Set(lockCommands.map((c) => c.lock));
    for (const lock of locks) {
      const sent = lockCommands.filter((c) => c.lock === lock).length;
      const acted = r.actuations.filter((a) => a.lock === lock).length;
      doubled += Math.max(0, acted - sent);
    }
  }

  // Only where one command runs at a time on a lock: many at once move it back and forth by design.
  let backwards = 0;
  // A command refused or failed at the vendor rightly shows the old state again; what moves after that
  // is someone else's doing.
  const mayHaveActed = (c: CommandRecord) =>
    !c.answer || c.answer.status === 'ok' || c.answer.code === 'timeout';
  for (const c of r.mode === 'sequential' ? lockCommands.filter(mayHaveActed) : []) {
    const next = commands.find((o) => o.lock === c.lock && o.sentAt > c.sentAt)?.sentAt ?? Infinity;
    const until = Math.min(next, (c.answer?.at ?? c.sentAt) + AFTER_ANSWER_MS);
    if (wentBackwards(c, r.states.get(c.lock) ?? [], until)) backwards += 1;
  }

  for (const c of commands.filter((x) => !x.answer).slice(0, 3))
    notes.push(
      `unanswered: ${c.command} on ${c.lock} over MQTT ${c.protocol === 5 ? '5' : '3.1.1'} (transaction ${c.transaction})`,
    );
  const answers: Record<string, number> = {};
  for (const c of commands) {
    const key = !c.answer
      ? 'unanswered'
      : c.answer.status === 'ok'
        ? 'ok'
        : (c.answer.code ?? c.answer.status);
    answers[key] = (answers[key] ?? 0) + 1;
  }

  return {
    scenario: r.scenario,
    sent: commands.length,
    arrivals: r.arrivals.length,
    late,
    lateActuations,
    doubled,
    unanswered: commands.filter((c) => !c.answer).length,
    okWithoutActuation,
    backwards,
    codesLost: r.codesLost ?? 0,
    codesDoubled: r.codesDoubled ?? 0,
    recoveryMs: r.recoveryMs ?? [],
    wrongStates: r.wrongStates ?? 0,
    answers,
    notes,
  };
}
