/**
 * An external broker the runner can restart: mosquitto (when installed) on 127.0.0.1, with persistence
 * on, so a restart keeps persistent sessions and their queued QoS 1 messages the way a real deployment
 * does. Also the only MQTT 5 broker here (the embedded aedes speaks 3.1.1). Starting and stopping are the
 * tests' own mosquitto helper (test/mqtt/mosquitto.ts); this keeps the port and the store across restarts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMosquitto, restartMosquitto, startMosquitto, type Mosquitto } from '../../test/mqtt/mosquitto';

export { findMosquitto };

export class RestartableMosquitto {
  private running?: Mosquitto;
  private dir = '';
  private port = 0;

  constructor(private readonly binary: string) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** The first start picks a free port (mosquitto cannot bind port 0); a restart keeps it and the store. */
  async start(): Promise<void> {
    if (!this.dir) this.dir = await mkdtemp(join(tmpdir(), 'lockbridge-chaos-mosquitto-'));
    const options = { persistenceDir: this.dir };
    this.running = this.port
      ? await restartMosquitto(this.binary, this.port, options)
      : await startMosquitto(this.binary, options);
    this.port = this.running.port;
  }

  /** SIGTERM (mosquitto saves its sessions), then the same port again. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
