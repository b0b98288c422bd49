import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Garbage collection for memory figures. `npm run bench` starts node without --expose-gc, so the flag
 * is turned on at run time and `gc` fetched from a fresh context; when that fails, figures are taken
 * without a collection and say so.
 */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gc = findGc();

export interface MemorySample {
  rss: number;
  heapUsed: number;
  afterGc: boolean;
}

/** Memory after two full collections (the second frees what finalizers of the first released). */
export async function sampleMemory(): Promise<MemorySample> {
  if (gc) {
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, afterGc: gc !== undefined };
}
