import { createHash, timingSafeEqual } from 'node:crypto';
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
  /** Home Assistant discovery prefix and our node id in it. */
  discoveryPrefix: string;
  discoveryNode: string;
  /** The one configured login of the embedded broker; absent: anonymous clients (loopback only). */
  login?: { username: string; password: string };
  /** The bridge's own login (random per start). */
  bridgeLogin: { username: string; password: string };
  /** Users who may send commands and requests; empty: everyone the broker lets in. */
  allowedUsers: string[];
}

export type AclVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Who may do what on the embedded broker. Pure, so it is tested without a broker:
 * - only the bridge publishes what the bridge owns (states, availability, lists, responses, discovery),
 *   so nobody can fake a lock state to Home Assistant;
 * - commands and requests come only from allowed users;
 * - users who may not send requests may not read responses either (they can carry PIN codes).
 */
export class BrokerAcl {
  private readonly bridgeOwned: string[];
  private readonly commandFilters: string[];
  private readonly responseFilters: string[];

  constructor(private readonly options: AclOptions) {
    const t = options.topics;
    this.bridgeOwned = [
      t.bridgeState,
      t.bridgeLocks,
      t.bridgeAccounts,
      t.allResponses,
      t.anyLock('state'),
      t.anyLock('availability'),
      t.anyLock('activity'),
      t.anyLock('code'),
      `${options.discoveryPrefix}/+/${options.discoveryNode}/#`,
    ];
    this.commandFilters = [t.anyLock('set'), t.allRequests];
    this.responseFilters = [t.allResponses, t.anyLock('code')];
  }

  authenticate(username: string | undefined, password: Buffer | undefined): boolean {
    const { bridgeLogin, login } = this.options;
    if (username === bridgeLogin.username) return secretEquals(password, bridgeLogin.password);
    if (!login) return true;
    // Both compared, always, so timing does not tell which one was wrong.
    const userOk = secretEquals(username ?? '', login.username);
    const passOk = secretEquals(password, login.password);
    return userOk && passOk;
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
    if (topic.startsWith('$SYS/')) return { ok: false, reason: '$SYS topics are reserved' };
    if (this.isCommandTopic(topic)) {
      if (!this.mayCommand(username))
        return { ok: false, reason: 'this user may not send commands or requests' };
      // A retained command would run again for every new subscriber: refused at the door.
      if (retain) return { ok: false, reason: 'commands and requests must not be retained' };
      return { ok: true };
    }
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

  private mayCommand(username: string | undefined): boolean {
    const allowed = this.options.allowedUsers;
    return allowed.length === 0 || (username !== undefined && allowed.includes(username));
  }
}
