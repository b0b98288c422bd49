import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../support/free-port';

/** The mosquitto binary, if installed (Debian puts it in /usr/sbin, often not on a user's PATH). */
export function findMosquitto(): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/bin',
  ];
  return dirs.map((d) => join(d, 'mosquitto')).find((p) => existsSync(p));
}

export interface Mosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  /**
   * Keep sessions and queued messages in this folder (written when mosquitto stops, read when it
   * starts): a mosquitto started again with the same folder is a broker restart. The caller removes it.
   */
  persistenceDir?: string;
}

/**
 * A real mosquitto on 127.0.0.1 and a free port, with a throwaway config; stopped by its PID.
 * mosquitto cannot listen on port 0, so a port is chosen first: if another process takes it before
 * mosquitto binds, mosquitto exits with "Address already in use" and another port is tried. Ready
 * means mosquitto itself logged "running" (after its bind), not that something answered on the port.
 */
export async function startMosquitto(binary: string, options: MosquittoOptions = {}): Promise<Mosquitto> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, await freePort(), options);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 5) throw err;
    }
  }
}

class PortTaken extends Error {}

/** Starts mosquitto again on the port it had, with the same persistence folder: a broker restart. */
export function restartMosquitto(
  binary: string,
  port: number,
  options: MosquittoOptions,
): Promise<Mosquitto> {
  return startOnce(binary, port, options);
}

async function startOnce(binary: string, port: number, options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'lockbridge-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  // Started as root, mosquitto drops to its own user, which must be able to write the store.
  if (options.persistenceDir) chmodSync(options.persistenceDir, 0o777);
  const persistence = options.persistenceDir
    ? `persistence true\npersistence_location ${options.persistenceDir}/\n`
    : 'persistence false\n';
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\n${persistence}log_dest stderr\n`);
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const running = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mosquitto did not log "running" within 15 s')), 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/ running\b/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(
        /Address already in use/i.test(stderr)
          ? new PortTaken(`port ${port} was taken`)
          : new Error(`mosquitto exited before it was running: ${stderr.slice(0, 500)}`),
      );
    });
  });
  try {
    await running;
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `mqtt://127.0.0.1:${port}`, port, stop };
}
