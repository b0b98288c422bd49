/**
 * Ties the three parts together: the emulators process, the `lockbridge run` process and the MQTT
 * clients in this one. Runs scenarios one after another, each on locks of its own, and counts.
 */
import { Commander, type CommandRecord } from './commander';
import { DaemonProcess, type Crash } from './daemon-process';
import { Emulators } from './emulators';
import { figuresOf, type ScenarioFigures, type ScenarioRecords } from './figures';
import {
  LOCK_COUNTS,
  mqttLockId,
  vendorLockId,
  type ChaosAccount,
  type ChaosVendor,
  type LockCounts,
} from './household';

export interface HarnessOptions {
  pollIntervalSeconds: number;
  commandTimeoutSeconds: number;
  verbose?: boolean;
  log?: (line: string) => void;
  /** The lock pool (default: the full chaos household). */
  locks?: LockCounts;
  /** Node arguments that run the CLI (default: the build in dist/). */
  cli?: string[];
  /** After each scenario, wait for every lock's true state on MQTT and keep the time it took. */
  measureRecovery?: boolean;
}

/** What a scenario hands back besides the commands it sent. */
export interface ScenarioOutcome {
  locks: string[];
  codesLost?: number;
  codesDoubled?: number;
  recoveryMs?: number[];
  notes?: string[];
}

export interface Scenario {
  name: string;
  mode: 'sequential' | 'aggregate';
  countLateActuations?: boolean;
  run(h: Harness): Promise<ScenarioOutcome>;
}

export class Harness {
  readonly pollMs: number;
  readonly timeoutMs: number;
  private readonly used: Record<ChaosVendor, number> = { august: 0, seam: 0, smartphonekey: 0 };
  private readonly extraCrashes: Crash[] = [];
  private scenario = '';

  private constructor(
    readonly emulators: Emulators,
    public daemon: DaemonProcess,
    readonly commander: Commander,
    readonly options: HarnessOptions,
  ) {
    this.pollMs = options.pollIntervalSeconds * 1000;
    this.timeoutMs = options.commandTimeoutSeconds * 1000;
  }

  static async start(options: HarnessOptions): Promise<Harness> {
    const emulators = await Emulators.start(options.locks ?? LOCK_COUNTS);
    const daemon = new DaemonProcess({
      cli: options.cli,
      accounts: emulators.ready.accounts,
      pollIntervalSeconds: options.pollIntervalSeconds,
      commandTimeoutSeconds: options.commandTimeoutSeconds,
      verbose: options.verbose,
      label: 'lockbridge',
    });
    try {
      const url = await daemon.start();
      const commander = await Commander.connect(url);
      const h = new Harness(emulators, daemon, commander, options);
      await h.waitForLocks();
      return h;
    } catch (err) {
      await daemon.dispose();
      await emulators.stop();
      throw err;
    }
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  get accounts(): ChaosAccount[] {
    return this.emulators.ready.accounts;
  }

  get crashes(): Crash[] {
    return [...this.daemon.crashes, ...this.extraCrashes];
  }

  /** Every lock of the pool has a published state (the daemon has found them all). */
  private async waitForLocks(since = 0): Promise<void> {
    const counts = this.options.locks ?? LOCK_COUNTS;
    for (const vendor of Object.keys(counts) as ChaosVendor[])
      for (let i = 0; i < counts[vendor]; i++) {
        const lock = mqttLockId(vendor, vendorLockId(vendor, i));
        const at = await this.commander.waitState(lock, () => true, since, 60_000);
        if (at === undefined) throw new Error(`no state published for ${lock} within 60 s`);
      }
  }

  /** Takes n locks of a vendor that no other scenario uses. */
  take(vendor: ChaosVendor, n: number): string[] {
    const start = this.used[vendor];
    if (start + n > (this.options.locks ?? LOCK_COUNTS)[vendor])
      throw new Error(`chaos household has too few ${vendor} locks`);
    this.used[vendor] += n;
    return Array.from({ length: n }, (_, i) => mqttLockId(vendor, vendorLockId(vendor, start + i)));
  }

  /** Publishes a request (`lockbridge/bridge/request/<operation>`), QoS 1, not waiting for its answer. */
  async request(operation: string, params: Record<string, unknown>): Promise<void> {
    await this.commander.publishRaw(4, `lockbridge/bridge/request/${operation}`, JSON.stringify(params), {
      qos: 1,
    });
  }

  /**
   * Moves to a new `lockbridge run` on another broker (an external one): the old daemon stops, a new one
   * with its own data folder starts, the clients follow, and every lock shows a state again.
   */
  async switchBroker(url: string): Promise<void> {
    const old = this.daemon;
    await old.dispose();
    this.extraCrashes.push(...old.crashes);
    this.daemon = new DaemonProcess({
      accounts: this.accounts,
      brokerUrl: url,
      pollIntervalSeconds: this.options.pollIntervalSeconds,
      commandTimeoutSeconds: this.options.commandTimeoutSeconds,
      verbose: this.options.verbose,
      cli: this.options.cli,
      label: 'lockbridge (external broker)',
    });
    await this.commander.reconnect(url);
    const since = Date.now();
    await this.daemon.start();
    await this.waitForLocks(since);
  }

  send(lock: string, command: string, options: Parameters<Commander['send']>[3] = {}): CommandRecord {
    return this.commander.send(this.scenario, lock, command, options);
  }

  /** Waits for every answer, as long as a command may take: its deadline, the command timeout, and slack. */
  async settle(records: CommandRecord[], slackMs = 10_000): Promise<void> {
    await Promise.all(
      records.map((r) =>
        this.commander.waitAnswer(
          r,
          Math.max(0, (r.deadline ?? r.sentAt) - Date.now()) + this.timeoutMs + slackMs,
        ),
      ),
    );
  }

  /** The command that takes a lock to the other state than the one last published. */
  toggle(lock: string): 'LOCK' | 'UNLOCK' {
    return this.commander.lastState(lock) === 'LOCKED' ? 'UNLOCK' : 'LOCK';
  }

  async clearAllFaults(): Promise<void> {
    await Promise.all(
      (['august', 'seam', 'smartphonekey'] as const).map((v) => this.emulators.clearFaults(v)),
    );
  }

  async run(scenario: Scenario): Promise<ScenarioFigures> {
    this.scenario = scenario.name;
    await this.clearAllFaults();
    const since = Date.now();
    const outcome = await scenario.run(this);
    await this.clearAllFaults();
    const recovery = this.options.measureRecovery ? await this.timeToTruth(outcome.locks) : undefined;
    // Late retries and queued actuations land after the answers: give them a moment to show.
    await delay(1500);
    const locks = new Set(outcome.locks);
    const records: ScenarioRecords = {
      scenario: scenario.name,
      mode: scenario.mode,
      countLateActuations: scenario.countLateActuations ?? false,
      commands: this.commander.commands.filter((c) => c.scenario === scenario.name),
      arrivals: (await this.emulators.arrivals(since)).filter((a) => locks.has(a.lock)),
      actuations: (await this.emulators.actuations(since)).filter((a) => locks.has(a.lock)),
      states: this.commander.states,
      codesLost: outcome.codesLost,
      codesDoubled: outcome.codesDoubled,
      recoveryMs: outcome.recoveryMs ?? recovery?.ms,
      wrongStates: recovery?.wrong,
      notes: [...(outcome.notes ?? []), ...(recovery?.notes ?? [])],
    };
    return figuresOf(records);
  }

  /**
   * From the end of a scenario's faults: how long until each lock's published state agrees with its
   * state at the vendor (0 when it already did), both read again every 200 ms (a slow vendor may still
   * act on a late request). Gives up after three poll intervals and says so.
   */
  private async timeToTruth(locks: string[]): Promise<{ ms: number[]; notes: string[]; wrong: number }> {
    const end = Date.now();
    const ms: number[] = [];
    const notes: string[] = [];
    let wrong = 0;
    await Promise.all(
      locks.map(async (lock) => {
        for (;;) {
          const truth = await this.emulators.ask<string | null>({ op: 'truth', lock });
          if (!truth) return;
          const shown = this.commander.lastState(lock);
          if (shown === truth) return ms.push(Date.now() - end);
          if (Date.now() - end > 3 * this.pollMs + 5000) {
            wrong += 1;
            const seen = (this.commander.states.get(lock) ?? []).filter((x) => x.at >= end - 30_000);
            notes.push(
              `${lock}: MQTT shows ${shown}, the vendor ${truth}, ${Math.round((Date.now() - end) / 1000)} s after the faults ended; published (ms from the end): ${seen.map((x) => `${x.state}@${x.at - end}`).join(' ')}`,
            );
            return;
          }
          await delay(200);
        }
      }),
    );
    return { ms, notes, wrong };
  }

  async stop(): Promise<void> {
    await this.commander.close();
    await this.daemon.dispose();
    await this.emulators.stop();
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
