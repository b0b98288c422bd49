import type Redis from 'ioredis';
import { LockbridgeError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isJournalEntry, type JournalEntry, type JournalStore } from '../pins/journal';
import type { AccountOwnership } from '../hub/ownership';
import { leaseValue, type ClusterKeys } from './keys';

/** Writes (HSET) or deletes (HDEL) a journal entry only while the writer's lease is the account's lease. */
const FENCED_WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[2]) else redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
return 1
`;

/**
 * The access-code journal in Redis (cluster mode): one hash per account, operation id -> entry JSON,
 * each entry carrying the fencing token it was written under. Every write is fenced in Redis itself:
 * it lands only if the account's lease still holds this daemon's token, so a daemon that lost the
 * account (and has not noticed yet) cannot move an operation forward: in particular it cannot write the
 * `sending` marker that must precede every vendor call. The daemon that takes the account over reads
 * the hash and resumes each operation once, with the engine's read-back before any resend.
 *
 * Entries hold the PIN being set, as the files of a single daemon do: Redis must be private to the
 * daemons (password, TLS or a private network).
 */
export class RedisJournalStore implements JournalStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly node: string,
    private readonly ownership: AccountOwnership,
    private readonly heldAccounts: () => string[],
    private readonly logger: Logger,
  ) {}

  async put(entry: JournalEntry): Promise<void> {
    const account = this.accountOf(entry);
    entry.token = this.ownership.check(account);
    await this.fenced(account, entry.token, entry.id, JSON.stringify(entry));
  }

  async remove(entry: JournalEntry): Promise<void> {
    const account = this.accountOf(entry);
    await this.fenced(account, this.ownership.check(account), entry.id, '');
  }

  async all(): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for (const account of this.heldAccounts()) out.push(...(await this.ofAccount(account)));
    return out.sort(oldestFirst);
  }

  async ofAccount(account: string): Promise<JournalEntry[]> {
    const raw = await this.redis.hgetall(this.keys.journal(account));
    const out: JournalEntry[] = [];
    for (const [id, text] of Object.entries(raw)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (isJournalEntry(value)) out.push({ ...value, account });
      else this.logger.warn(`Code journal: ignoring unreadable entry ${id.slice(0, 40)} of ${account}`);
    }
    return out.sort(oldestFirst);
  }

  private accountOf(entry: JournalEntry): string {
    if (!entry.account)
      throw new LockbridgeError('internal', 'A cluster journal entry must name its account');
    return entry.account;
  }

  private async fenced(account: string, token: number, id: string, json: string): Promise<void> {
    const done = await this.redis.eval(
      FENCED_WRITE,
      2,
      this.keys.lease(account),
      this.keys.journal(account),
      leaseValue(this.node, token),
      id,
      json,
    );
    if (done !== 1)
      throw new LockbridgeError(
        'not_ready',
        `This daemon no longer holds account "${account}"; the daemon that holds it now finishes its code operations`,
      );
  }
}

function oldestFirst(a: JournalEntry, b: JournalEntry): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}
