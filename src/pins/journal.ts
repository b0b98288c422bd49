import { randomBytes } from 'node:crypto';
import type { Schedule } from '../core/model';
import type { Logger } from '../core/logger';
import { readJson, writeJson, type Storage } from '../core/storage';

/**
 * The durable journal of code operations that are not finished. One file per operation under
 * `pins/journal/` in the storage directory, each written atomically (FileStorage writes a temp file,
 * fsyncs and renames), so a crash leaves either the old or the new version of an entry, never half.
 *
 * Phases, in order:
 *   planning   a code set journaled as asked, before its locks were read and its code chosen: a
 *              resume plans it (reads, generates, validates), then sends
 *   requested  journaled, never sent: safe to send
 *   sending    the marker written just before the vendor call: it may or may not have landed, so a
 *              resume reads back from the vendor before sending again
 *   pending    the vendor accepted it: only confirmation is left
 * A finished operation (confirmed or failed) is removed from the journal.
 */
export type JournalPhase = 'planning' | 'requested' | 'sending' | 'pending';
export type CodeOperation = 'create' | 'update' | 'delete';

export interface JournalEntry {
  /** Operation id; the file name. */
  id: string;
  /** The code set this operation belongs to, if any. */
  setId?: string;
  operation: CodeOperation;
  lockId: string;
  /** The vendor's code id: known for update/delete, and for create once the vendor answered. */
  codeId?: string;
  /**
   * What was asked. The PIN is kept so a resumed create sends the same code (every lock of a set gets
   * the same one). The file is mode 0600 in the private storage directory; it is never logged.
   */
  input: { name?: string; code?: string; schedule?: Schedule; userId?: string };
  /** create: ids on the lock before sending, so a read-back recognises the new code. */
  preExistingIds?: string[];
  phase: JournalPhase;
  /** A code set asked for a code per lock rather than one shared code (read while planning). */
  codePerLock?: boolean;
  /** How many times the request was marked as sent. */
  sends: number;
  /** The account of the lock (cluster mode keys the journal by it). */
  account?: string;
  /** Cluster mode: the fencing token of the lease under which this entry was last written. */
  token?: number;
  createdAt: number;
  updatedAt: number;
}

const DIR = 'pins/journal';
const ID = /^[A-Za-z0-9_-]+$/;

export function newOperationId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Where the journal lives: files in the storage directory (CodeJournal, one process), or Redis in
 * cluster mode (src/cluster/journal-store.ts), where the daemon that takes over an account resumes it.
 */
export interface JournalStore {
  put(entry: JournalEntry): Promise<void>;
  remove(entry: JournalEntry): Promise<void>;
  /** Every unfinished operation this process may work on, oldest first. */
  all(): Promise<JournalEntry[]>;
  /** Cluster mode: the unfinished operations of one account, oldest first. */
  ofAccount?(account: string): Promise<JournalEntry[]>;
}

export class CodeJournal implements JournalStore {
  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {}

  private name(id: string): string {
    return `${DIR}/${id}.json`;
  }

  async put(entry: JournalEntry): Promise<void> {
    await writeJson(this.storage, this.name(entry.id), entry);
  }

  async remove(entry: JournalEntry | string): Promise<void> {
    await this.storage.delete(this.name(typeof entry === 'string' ? entry : entry.id));
  }

  /** Every unfinished operation, oldest first. Unreadable files are reported and left in place. */
  async all(): Promise<JournalEntry[]> {
    const names = await this.storage.list(`${DIR}/`);
    const out: JournalEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const value = await readJson<unknown>(this.storage, name);
      if (isJournalEntry(value)) out.push(value);
      else this.logger.warn(`Code journal: ignoring unreadable entry ${name}`);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }
}

export function isJournalEntry(value: unknown): value is JournalEntry {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    ID.test(v.id) &&
    (v.operation === 'create' || v.operation === 'update' || v.operation === 'delete') &&
    typeof v.lockId === 'string' &&
    (v.phase === 'planning' || v.phase === 'requested' || v.phase === 'sending' || v.phase === 'pending') &&
    typeof v.input === 'object' &&
    v.input !== null &&
    typeof v.sends === 'number' &&
    typeof v.createdAt === 'number'
  );
}
