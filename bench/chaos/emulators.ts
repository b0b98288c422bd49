/** The runner's handle on process 1 (emulators-process.ts): start it, ask it, inject faults over HTTP. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FaultRule } from '../../src/emulators/kit';
import type {
  Actuation,
  Arrival,
  ChaosVendor,
  ControlAnswer,
  ControlRequest,
  EmulatorsReady,
  LockCounts,
} from './household';

/** POST /_emulator/faults takes a fault rule with the path as a regular expression's source. */
export type FaultBody = Omit<FaultRule, 'path' | 'count'> & { path?: string; count?: number };

export class Emulators {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: ControlAnswer) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: EmulatorsReady,
  ) {
    child.on('message', (answer: ControlAnswer) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
  }

  static async start(counts: LockCounts): Promise<Emulators> {
    const child = fork(join(__dirname, 'emulators-process.ts'), [JSON.stringify(counts)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const ready = await new Promise<EmulatorsReady>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line && out.includes('\n')) resolve(JSON.parse(line) as EmulatorsReady);
      });
      child.once('exit', (code) => reject(new Error(`chaos emulators exited (${code})`)));
    });
    return new Emulators(child, ready);
  }

  async ask<T>(request: ControlRequest): Promise<T> {
    const id = this.nextId++;
    const answer = await new Promise<ControlAnswer>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, request });
    });
    if (!answer.ok) throw new Error(`emulators: ${request.op}: ${answer.error}`);
    return answer.result as T;
  }

  arrivals(since: number): Promise<Arrival[]> {
    return this.ask({ op: 'arrivals', since });
  }

  actuations(since: number): Promise<Actuation[]> {
    return this.ask({ op: 'actuations', since });
  }

  /** POST /_emulator/faults on one vendor's emulator. */
  async fault(vendor: ChaosVendor, rule: FaultBody): Promise<void> {
    const res = await fetch(`${this.ready.urls[vendor]}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1, ...rule }),
    });
    if (!res.ok) throw new Error(`fault on ${vendor}: ${res.status}`);
  }

  async clearFaults(vendor: ChaosVendor): Promise<void> {
    await fetch(`${this.ready.urls[vendor]}/_emulator/faults`, { method: 'DELETE' });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
