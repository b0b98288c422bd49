/**
 * Process 2 of `npm run chaos`: the real `lockbridge run` from dist/, with a config file in a temporary
 * folder. Reads the broker URL it prints; can be stopped, killed with SIGKILL and started again on the
 * same broker port and data folder. An exit nobody asked for is a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChaosAccount } from './household';

/** The built CLI, as users run it (`npm run chaos` builds first). */
export const BUILT_CLI = [resolve(__dirname, '../../dist/src/cli.js')];
/** The TypeScript source through tsx: what the sample test runs, so a stale build cannot hide a fix. */
export const SOURCE_CLI = ['--import', 'tsx', resolve(__dirname, '../../src/cli.ts')];

export interface DaemonOptions {
  accounts: ChaosAccount[];
  /** An external broker URL; absent: the embedded broker on 127.0.0.1, port 0 the first time. */
  brokerUrl?: string;
  pollIntervalSeconds: number;
  commandTimeoutSeconds: number;
  /** Kept on stderr of this process when set (lockbridge's own log). */
  verbose?: boolean;
  label: string;
  /** Node arguments that run the CLI (default: the build). */
  cli?: string[];
}

export interface Crash {
  label: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  lastLog: string;
}

export class DaemonProcess {
  readonly crashes: Crash[] = [];
  private child?: ChildProcess;
  private dir?: string;
  private port = 0;
  private log = '';
  private expectingExit = false;
  url = '';

  constructor(private readonly options: DaemonOptions) {}

  get dataDir(): string {
    if (!this.dir) throw new Error('daemon not started');
    return join(this.dir, 'data');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `lockbridge run`; resolves with the broker URL once it says it is running. */
  async start(): Promise<string> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'lockbridge-chaos-'));
    const config = {
      accounts: this.options.accounts.map((a) => ({
        pollIntervalSeconds: this.options.pollIntervalSeconds,
        ...a,
      })),
      mqtt: this.options.brokerUrl
        ? { url: this.options.brokerUrl }
        : { embedded: { host: '127.0.0.1', port: this.port } },
      polling: { intervalSeconds: this.options.pollIntervalSeconds },
      commands: { timeoutSeconds: this.options.commandTimeoutSeconds },
      logLevel: this.options.verbose ? 'debug' : 'info',
    };
    const file = join(this.dir, 'config.json');
    await writeFile(file, JSON.stringify(config, null, 2));
    const child = spawn(
      process.execPath,
      [...(this.options.cli ?? BUILT_CLI), 'run', '--config', file, '--data-dir', this.dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.expectingExit = false;
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.log = (this.log + text).slice(-8000);
      if (this.options.verbose) process.stderr.write(`[${this.options.label}] ${text}`);
    };
    child.stderr?.on('data', keep);
    const started = new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        keep(chunk);
        out += chunk.toString('utf8');
        const m = /MQTT broker: (\S+)/.exec(out);
        if (m && /is running/.test(out)) resolveUrl(m[1]);
      });
      child.once('exit', (code, signal) =>
        reject(
          new Error(`lockbridge run exited while starting (${code ?? signal}): ${this.log.slice(-2000)}`),
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (!this.expectingExit)
        this.crashes.push({
          label: this.options.label,
          code,
          signal,
          at: Date.now(),
          lastLog: this.log.slice(-2000),
        });
    });
    this.url = await started;
    this.port = Number(new URL(this.url).port);
    return this.url;
  }

  /** SIGKILL: no goodbye, no journal flush. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async dispose(): Promise<void> {
    if (this.running) await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
