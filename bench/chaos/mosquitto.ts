/**
 * An external broker the runner can restart: mosquitto (when installed) on 127.0.0.1, with persistence
 * on, so a restart keeps persistent sessions and their queued QoS 1 messages the way a real deployment
 * does. Also the only MQTT 5 broker here (the embedded aedes speaks 3.1.1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMosquitto, freePort } from '../../test/mqtt/mosquitto';

export { findMosquitto };

export class RestartableMosquitto {
  private child?: ChildProcess;
  private dir = '';
  private port = 0;

  constructor(private readonly binary: string) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.dir) {
      this.dir = await mkdtemp(join(tmpdir(), 'lockbridge-chaos-mosquitto-'));
      // mosquitto started as root runs as the user "mosquitto": it must be able to write its
      // persistence file here, or it saves no session on restart (and says so only in its log).
      await chmod(this.dir, 0o777);
    }
    // The first start picks a free port (mosquitto cannot bind port 0); a restart keeps it.
    const fixed = this.port !== 0;
    for (let attempt = 1; ; attempt++) {
      if (!fixed) this.port = await freePort();
      try {
        await this.startOnce();
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  private async startOnce(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    await writeFile(
      conf,
      [
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${this.dir}/`,
        'log_dest stderr',
        '',
      ].join('\n'),
    );
    const child = spawn(this.binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error('mosquitto did not start within 15 s')), 15_000);
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/ running\b/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited: ${stderr.slice(-500)}`));
      });
    });
  }

  /** SIGTERM (mosquitto saves its sessions), then the same port again. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
