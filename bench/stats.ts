/** Small numeric helpers for the benchmarks: percentiles, rounding, timing. */

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a sample (milliseconds in, milliseconds out, 3 decimals). */
export function percentiles(sample: number[]): Percentiles {
  const s = [...sample].sort((a, b) => a - b);
  const at = (p: number): number =>
    s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { n: s.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(at(100)) };
}

export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** High-resolution now in milliseconds. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs fn repeatedly for about `ms` milliseconds and returns calls per second. */
export function opsPerSecond(fn: (i: number) => void, ms = 1000): number {
  for (let i = 0; i < 1000; i++) fn(i); // warm-up, so the JIT has seen the code
  const start = nowMs();
  let calls = 0;
  while (nowMs() - start < ms) {
    for (let i = 0; i < 100; i++) fn(calls + i);
    calls += 100;
  }
  return Math.round(calls / ((nowMs() - start) / 1000));
}

/** Resolves when check() is true, polling every few ms; rejects after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
