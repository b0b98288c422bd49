import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Context } from 'mocha';
import { freePort } from '../support/free-port';

/** The redis-server binary, if installed (Debian: /usr/bin/redis-server). */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.map((d) => join(d, 'redis-server')).find((p) => existsSync(p));
}

/**
 * The binary, or: with LOCKBRIDGE_REQUIRE_REDIS set (CI) a loud failure, else one printed line and
 * the suite is skipped.
 */
export function redisServerOrSkip(ctx: Context): string {
  const binary = findRedisServer();
  if (binary) return binary;
  const message = 'redis-server is not installed (apt-get install redis-server); skipping the cluster tests';
  if (process.env.LOCKBRIDGE_REQUIRE_REDIS)
    throw new Error(`${message} - but LOCKBRIDGE_REQUIRE_REDIS is set`);
  console.warn(`      ${message}`);
  ctx.skip();
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A real redis-server on 127.0.0.1 and a free port, without persistence (no RDB, no AOF). Like
 * mosquitto it cannot bind port 0: a port taken between the choice and the bind is retried. Ready
 * means it logged "Ready to accept connections" (after its bind).
 */
export async function startRedisServer(binary: string): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, await freePort());
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 5) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(binary: string, port: number): Promise<RedisServer> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server was not ready within 15 s')), 15_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(
        /Address already in use/i.test(log)
          ? new PortTaken(`port ${port} was taken`)
          : new Error(`redis-server exited before it was ready: ${log.slice(-500)}`),
      );
    });
  });
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
