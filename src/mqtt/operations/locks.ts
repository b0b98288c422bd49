import type { Params } from '../params';
import type { CommandEnvelope } from '../command-guard';
import type { OperationTable } from './operation';

/** The command fields shared by bridge/request/command and the JSON form of `<lock>/set`. */
export function parseCommandEnvelope(p: Params, lockId: string): CommandEnvelope {
  const envelope: CommandEnvelope = { lockId, command: p.string('command', 16).toUpperCase() };
  const transaction = p.transaction();
  if (transaction !== undefined) envelope.transaction = transaction;
  const expiresAt = p.optionalTime('expires_at');
  if (expiresAt !== undefined) envelope.expiresAt = expiresAt;
  const sentAt = p.optionalTime('sent_at');
  if (sentAt !== undefined) envelope.sentAt = sentAt;
  const code = p.optionalString('code', 64);
  if (code !== undefined) envelope.code = code;
  const timeoutMs = p.optionalInteger('timeout_ms', 100, 300_000);
  if (timeoutMs !== undefined) envelope.timeoutMs = timeoutMs;
  return envelope;
}

/** Locks and lock commands. */
export const lockOperations: OperationTable = {
  locks: (_p, { source }) => source.listLocks(),
  lock: (p, { source }) => source.getLock(p.string('lock')),
  command: async (p, { source, guard, message }) => {
    const lockId = p.string('lock');
    const envelope = parseCommandEnvelope(p, lockId);
    const lock = await source.getLock(lockId);
    return source.command(guard.check(envelope, message, lock));
  },
};
