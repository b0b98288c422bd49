import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../cli/support';

/** One `lockbridge run` process of a test cluster. */
export interface ClusterDaemon {
  node: string;
  run: CliRun;
  /** Resolves once it printed that it is running. */
  ready: Promise<void>;
  /** kill -9: no clean stop, no lease handed back; the broker publishes its last will. */
  kill(): Promise<void>;
  /** SIGTERM: the clean stop (leases handed back). */
  stop(): Promise<void>;
}

/**
 * Writes one config per node (the same accounts, broker and Redis; only cluster.node differs) and
 * starts `lockbridge run` for it, as a user would, each with its own data folder.
 */
export class ClusterDaemons {
  private dir = '';
  readonly daemons: ClusterDaemon[] = [];

  constructor(
    private readonly base: {
      accounts: unknown[];
      mqtt: Record<string, unknown>;
      redis: string;
      leaseSeconds: number;
      extra?: Record<string, unknown>;
    },
  ) {}

  async start(node: string): Promise<ClusterDaemon> {
    if (!this.dir) this.dir = await mkdtemp(join(tmpdir(), 'lb-cluster-'));
    const config = join(this.dir, `${node}.json`);
    await writeFile(
      config,
      JSON.stringify({
        accounts: this.base.accounts,
        mqtt: this.base.mqtt,
        cluster: { redis: this.base.redis, node, leaseSeconds: this.base.leaseSeconds },
        ...this.base.extra,
      }),
    );
    const run = runCli(['run', '--config', config, '--data-dir', join(this.dir, `data-${node}`)]);
    const exited = run.done.then(() => undefined);
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/is running/.test(run.stdout)) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 25);
      void run.done.then((r) => {
        clearInterval(timer);
        reject(new Error(`daemon ${node} exited (${r.code}) before it ran:\n${r.stderr.slice(-2000)}`));
      });
    });
    ready.catch(() => undefined);
    const daemon: ClusterDaemon = {
      node,
      run,
      ready,
      async kill() {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
        await exited;
      },
    };
    this.daemons.push(daemon);
    return daemon;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.daemons.map((d) => d.stop()));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
