import type { Context } from 'mocha';
import { findMosquitto, startMosquitto, type Mosquitto } from '../mqtt/mosquitto';
import { redisServerOrSkip, startRedisServer, type RedisServer } from './redis-server';

/**
 * What every multi-daemon test needs: a real redis-server and a real mosquitto (the external broker
 * cluster mode requires), each on 127.0.0.1 and a free port. Without either the test is skipped with
 * one line, or fails when LOCKBRIDGE_REQUIRE_REDIS / LOCKBRIDGE_REQUIRE_MOSQUITTO is set.
 */
export async function startClusterInfrastructure(
  ctx: Context,
): Promise<{ redis: RedisServer; broker: Mosquitto }> {
  const redisBinary = redisServerOrSkip(ctx);
  const mosquitto = findMosquitto();
  if (!mosquitto) {
    const message = 'mosquitto is not installed (apt-get install mosquitto); skipping the cluster test';
    if (process.env.LOCKBRIDGE_REQUIRE_MOSQUITTO)
      throw new Error(`${message} - but LOCKBRIDGE_REQUIRE_MOSQUITTO is set`);
    console.warn(`      ${message}`);
    ctx.skip();
  }
  const redis = await startRedisServer(redisBinary);
  try {
    return { redis, broker: await startMosquitto(mosquitto) };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

/** Waits for a condition on what the test observes (messages, emulator calls), or fails naming it. */
export async function until(predicate: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
