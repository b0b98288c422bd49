import { LockbridgeError, isLockbridgeError } from '../../src/core/errors';
import type { LockSource } from '../../src/core/lock-source';

/**
 * A flow may name a lock by its id or by its exact name ("Front Door"): ids change when an account is
 * set up again, names are what people type. An id wins; a name must match exactly one lock.
 */
export async function resolveLockId(source: LockSource, ref: string): Promise<string> {
  try {
    return (await source.getLock(ref)).id;
  } catch (err) {
    if (!isLockbridgeError(err) || err.code !== 'not_found') throw err;
  }
  const wanted = ref.trim().toLowerCase();
  const named = (await source.listLocks()).filter((l) => l.name.trim().toLowerCase() === wanted);
  if (named.length === 1) return named[0].id;
  if (named.length > 1)
    throw new LockbridgeError(
      'invalid_input',
      `Several locks are named "${ref.slice(0, 80)}"; use the lock id`,
    );
  throw new LockbridgeError('not_found', `Unknown lock "${ref.slice(0, 80)}"`, { lockId: ref.slice(0, 80) });
}
