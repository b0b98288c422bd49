/**
 * Scenarios where a process goes away: the daemon killed with SIGKILL during a code set, the daemon
 * (and so its embedded broker) restarted while commands are on their way, an external broker restarted.
 */
import { delay, type Scenario } from './harness';
import type { RestartableMosquitto } from './mosquitto';

/**
 * kill -9 `killAfterMs` into a code set to `perVendor` August and Seam locks each (August reads each
 * lock on its own, so its part takes longer); after a restart each lock must hold the code exactly once.
 */
export function killDuringCodeSet(
  killAfterMs: number | undefined,
  perVendor: number,
  code: string,
): Scenario {
  return {
    name:
      killAfterMs === undefined
        ? `code set to ${perVendor * 2} locks, no kill (the control case)`
        : `kill -9 ${killAfterMs} ms into a code set to ${perVendor * 2} locks`,
    mode: 'aggregate',
    async run(h) {
      const locks = [...h.take('august', perVendor), ...h.take('seam', perVendor)];
      const name = `Chaos kill ${killAfterMs ?? 'none'}`;
      const transaction = `codes-${killAfterMs ?? 'none'}-${Date.now()}`;
      await h.request('codes/set', {
        name,
        lockIds: locks,
        code,
        transaction: `codes-${killAfterMs ?? 'none'}`,
      });
      if (killAfterMs !== undefined) {
        await delay(killAfterMs);
        await h.daemon.kill9();
        await h.daemon.start();
      }
      // Settled: every lock holds the code, or nothing changed for 20 s (capped at 120 s).
      const started = Date.now();
      let last = '';
      let stableSince = Date.now();
      let counts: Record<string, number> = {};
      while (Date.now() - started < 120_000) {
        counts = await h.emulators.ask<Record<string, number>>({ op: 'codes', name, code, locks });
        const values = Object.values(counts);
        if (values.every((n) => n === 1)) break;
        const key = JSON.stringify(counts);
        if (key !== last) {
          last = key;
          stableSince = Date.now();
        } else if (Date.now() - stableSince > 20_000) break;
        await delay(1000);
      }
      const values = Object.values(counts);
      // The answer, when one comes (a code set can outlast the counting: August confirms by read-back).
      for (let waited = 0; waited < 15_000 && !h.commander.requestAnswers.has(transaction); waited += 500)
        await delay(500);
      return {
        locks,
        codesLost: values.filter((n) => n === 0).length,
        codesDoubled: values.filter((n) => n > 1).length,
        notes: [
          `codes at the vendor per lock: ${values.join(',')}`,
          `answer to the code set: ${answerText(h.commander.requestAnswers.get(transaction))}`,
        ],
      };
    },
  };
}

/** "ok", "error invalid_code: ...", or none yet (August confirms each PIN by read-back: it takes a while). */
function answerText(answer: unknown): string {
  if (!answer || typeof answer !== 'object') return 'none yet (15 s after the codes were counted)';
  const a = answer as { status?: unknown; error?: { code?: unknown; message?: unknown } };
  return a.status === 'ok'
    ? 'ok'
    : `${String(a.status)} ${String(a.error?.code)}: ${String(a.error?.message)}`;
}

/**
 * The daemon (with its embedded broker) stops; a command is published while it is down (the client
 * holds it, QoS 1, until the broker is back), and another as soon as the first state shows after the
 * start, as a client acting on the first state it sees does.
 */
export const daemonRestart: Scenario = {
  name: 'daemon restart: commands while down and right after start',
  mode: 'sequential',
  async run(h) {
    const locks = [...h.take('seam', 2), ...h.take('august', 1)];
    const [whileDown, ...afterStart] = locks;
    await h.daemon.stop();
    const records = [h.send(whileDown, h.toggle(whileDown), { expiresInMs: 30_000 })];
    const startedAt = Date.now();
    await h.daemon.start();
    for (const lock of afterStart) {
      await h.commander.waitState(lock, () => true, startedAt, 60_000);
      records.push(h.send(lock, h.toggle(lock), { expiresInMs: 15_000 }));
    }
    await h.settle(records);
    return { locks };
  },
};

/** The external broker restarts (sessions persisted); commands sent while it is down and just after. */
export function brokerRestart(broker: RestartableMosquitto): Scenario {
  return {
    name: 'external broker restart (mosquitto)',
    mode: 'sequential',
    async run(h) {
      const locks = [...h.take('seam', 3), ...h.take('august', 2)];
      const records = [];
      const restarting = broker.restart(1500);
      await delay(300);
      // While the broker is down: both clients hold these until they reconnect.
      records.push(h.send(locks[0], h.toggle(locks[0]), { expiresInMs: 20_000, protocol: 4 }));
      records.push(h.send(locks[1], h.toggle(locks[1]), { expiresInMs: 20_000, protocol: 5 }));
      await restarting;
      // Just after the broker is back: the bridge may still be resubscribing.
      for (const [i, lock] of locks.slice(2).entries()) {
        await delay(200);
        records.push(h.send(lock, h.toggle(lock), { expiresInMs: 15_000, protocol: i % 2 === 0 ? 5 : 4 }));
      }
      await h.settle(records);
      return { locks };
    },
  };
}
