import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BrokerRights, BrokerUser } from './broker-users';
import { hashPasswordSync, verifyPassword, type ParsedHash } from './password-hash';
import { filtersOverlap, topicMatches, type Topics } from './topics';

/** Constant-time string comparison: both sides are hashed to equal-length digests first. */
export function secretEquals(given: string | Buffer | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface AclOptions {
  topics: Topics;
  /** Home Assistant's discovery prefix: only the bridge publishes under it (its birth topic aside). */
  discoveryPrefix: string;
  /** The embedded broker's users; absent: anonymous clients (loopback only), and everyone may command. */
  users?: BrokerUser[];
  /** The bridge's own login (random per start). */
  bridgeLogin: { username: string; password: string };
  /** When not empty, only these users (with rights "command") may command. Needs `users`. */
  allowedUsers: string[];
}

export type AclVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Who may do what on the embedded broker. Pure but for password checks, so it is tested without a broker:
 * - a user is who its password says (salted scrypt hashes; an unknown name costs the same time);
 * - only the bridge publishes what the bridge owns (states, availability, lists, responses) and
 *   anything under the discovery prefix but Home Assistant's birth topic, so nobody can fake a lock
 *   state or plant an entity in Home Assistant;
 * - commands and requests come only from users with rights "command";
 * - `<base>/<lock>/get` (publish a lock's known state again) is open to every user, read-only ones
 *   included, since they may read that state anyway; like commands it must not be retained;
 * - users who may not send requests may not read responses either (they can carry PIN codes).
 */
export class BrokerAcl {
  private readonly bridgeOwned: string[];
  private readonly commandFilters: string[];
  private readonly getFilter: string;
  private readonly responseFilters: string[];
  private readonly users?: Map<string, BrokerUser>;
  /** Verified when the name is unknown, so timing does not tell which names exist. */
  private readonly decoy: ParsedHash;

  constructor(private readonly options: AclOptions) {
    const t = options.topics;
    this.bridgeOwned = [
      t.bridgeState,
      t.bridgeLocks,
      t.bridgeAccounts,
      t.bridgeInfo,
      t.bridgeHealth,
      t.allResponses,
      `${t.base}/bridge/sync/#`,
      t.anyLock('state'),
      t.anyLock('availability'),
      t.anyLock('activity'),
      t.anyLock('code'),
      t.anyLock('event'),
      `${options.discoveryPrefix}/#`,
    ];
    this.commandFilters = [t.anyLock('set'), t.allRequests];
    this.getFilter = t.anyLock('get');
    this.responseFilters = [t.allResponses, t.anyLock('code')];
    if (options.users) this.users = new Map(options.users.map((u) => [u.username, u]));
    this.decoy = options.users?.[0]?.password ?? hashPasswordSync(randomBytes(16).toString('hex'));
  }

  /** Whether the broker requires a login (anything but loopback needs one). */
  get hasLogin(): boolean {
    return this.users !== undefined;
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<boolean> {
    const { bridgeLogin } = this.options;
    if (username === bridgeLogin.username) return secretEquals(password, bridgeLogin.password);
    if (!this.users) return true;
    const user = username === undefined ? undefined : this.users.get(username);
    const ok = await verifyPassword(password ?? Buffer.alloc(0), user?.password ?? this.decoy);
    return ok && user !== undefined && password !== undefined;
  }

  isBridge(username: string | undefined): boolean {
    return username === this.options.bridgeLogin.username;
  }

  /** Whether this topic carries a command or request (a refusal is logged without the payload). */
  isCommandTopic(topic: string): boolean {
    return this.commandFilters.some((f) => topicMatches(f, topic));
  }

  mayPublish(username: string | undefined, topic: string, retain = false): AclVerdict {
    if (this.isBridge(username)) return { ok: true };
    if (topic.startsWith('$')) return { ok: false, reason: '$ topics are reserved' };
    if (this.isCommandTopic(topic)) {
      if (!this.mayCommand(username))
        return { ok: false, reason: 'this user may not send commands or requests' };
      // A retained command would run again for every new subscriber: refused at the door.
      if (retain) return { ok: false, reason: 'commands and requests must not be retained' };
      return { ok: true };
    }
    if (topicMatches(this.getFilter, topic)) {
      if (retain) return { ok: false, reason: 'get requests must not be retained' };
      return { ok: true };
    }
    // Home Assistant announces itself here; the bridge debounces what it does about it.
    if (topic === `${this.options.discoveryPrefix}/status`) return { ok: true };
    if (this.bridgeOwned.some((f) => topicMatches(f, topic)))
      return { ok: false, reason: 'only the bridge publishes on this topic' };
    return { ok: true };
  }

  maySubscribe(username: string | undefined, filter: string): AclVerdict {
    if (this.isBridge(username) || this.mayCommand(username)) return { ok: true };
    if (this.responseFilters.some((f) => filtersOverlap(f, filter)))
      return { ok: false, reason: 'this user may not read responses' };
    return { ok: true };
  }

  rightsOf(username: string | undefined): BrokerRights {
    return this.mayCommand(username) ? 'command' : 'read';
  }

  private mayCommand(username: string | undefined): boolean {
    const allowed = this.options.allowedUsers;
    // Without users, a name is whatever a client claims: allowedUsers then lets nobody in (and the
    // configuration refuses that combination before it gets here).
    if (!this.users) return allowed.length === 0;
    const user = username === undefined ? undefined : this.users.get(username);
    if (!user || user.rights !== 'command') return false;
    return allowed.length === 0 || allowed.includes(user.username);
  }
}
