/**
 * Who did what, and how: the house activity feed (GET /houses/{id}/activities, Accept-Version 4.0.0).
 * Pushes say a lock changed but rarely who did it; the feed says who (user name, keypad slot), how
 * (keypad, app/remote, manual, auto-lock, one-touch, tag) and when. As yalexs does
 * (manager/activity.py), it is read once at start and again shortly after each push, plus once more a
 * few seconds later because the feed can lag the push.
 */
import { isLockbridgeError } from '../../core/errors';
import type { LastAction } from '../../core/model';
import type { Logger } from '../../core/logger';
import type { AugustClient } from './client';
import { mapActivity, type MappedActivity } from './mapping';
import type { AugustPinsByState } from './types';

export interface ActivityFeedDeps {
  client: AugustClient;
  authed<T>(fn: () => Promise<T>): Promise<T>;
  logger: Logger;
  /** True for the locks this account lists: the feed also names doorbells and other devices. */
  knows(vendorLockId: string): boolean;
  /** A new lock activity, oldest first. */
  onActivity(vendorLockId: string, action: LastAction): void;
  /** After a push the first read waits this long (yalexs UPDATE_SOON, 3 s) ... */
  delayMs: number;
  /** ... and a second read follows this much later (yalexs ACTIVITY_DEBOUNCE_COOLDOWN, 4 s). */
  cooldownMs: number;
}

/** Entries per read after a push (yalexs ACTIVITY_STREAM_FETCH_LIMIT) and at start (catch-up). */
const FETCH_LIMIT = 10;
const START_LIMIT = 50;
const SEEN_IDS_KEPT = 500;
/**
 * A feed entry this close to an action a push already announced (same lock and state) is that same
 * operation: the vendor's clock and ours differ, and the feed lags the push by seconds.
 */
const SAME_OPERATION_MS = 30_000;

export class AugustActivityFeed {
  /** Newest entry time (ms) per lock: older entries are history, not news. */
  private readonly newest = new Map<string, number>();
  private readonly last = new Map<string, LastAction>();
  private readonly seenIds = new Set<string>();
  /** Per lock, the keypad slot of each PIN user (from GET /locks/{id}/pins). */
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Recent announcements per lock, by source, not yet matched by the other source. */
  private readonly announced = new Map<string, Array<{ action: LastAction; by: 'push' | 'feed' }>>();
  private primed = false;
  private stopped = false;

  constructor(private readonly deps: ActivityFeedDeps) {}

  /** The newest known lock activity of a lock (from the start-up read or later ones). */
  lastActionOf(vendorLockId: string): LastAction | undefined {
    return this.last.get(vendorLockId);
  }

  get isPrimed(): boolean {
    return this.primed;
  }

  /**
   * The start-up read: the newest activity of each lock becomes its `last_action`, without announcing
   * history as news. A house whose feed cannot be read is skipped (polling still gives the state).
   */
  async prime(houseIds: Iterable<string>): Promise<void> {
    this.primed = true;
    for (const houseId of new Set(houseIds)) await this.read(houseId, START_LIMIT, false);
  }

  /**
   * Reads the feed now and announces what is new. Concurrent calls for one house share the read in
   * flight and run once more after it, so nothing that arrived meanwhile is missed.
   */
  refresh(houseId: string): Promise<void> {
    const inFlight = this.running.get(houseId);
    if (inFlight) {
      this.again.add(houseId);
      return inFlight;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(houseId);
          await this.read(houseId, FETCH_LIMIT, true);
        } while (this.again.has(houseId) && !this.stopped);
      } finally {
        this.running.delete(houseId);
      }
    })();
    this.running.set(houseId, run);
    return run;
  }

  /** After a push: read in delayMs, and again cooldownMs later (the feed can lag the push). */
  refreshSoon(houseId: string): void {
    this.schedule(houseId, this.deps.delayMs);
    this.schedule(houseId, this.deps.delayMs + this.deps.cooldownMs);
  }

  /**
   * A push is about to announce this action. Returns false when the feed already announced the same
   * operation (the feed can be read before a slow push arrives), so one unlock is reported once.
   */
  pushAnnounces(vendorLockId: string, action: LastAction): boolean {
    const feed = this.take(vendorLockId, 'feed', action, Date.parse(action.at));
    // The feed's "how" is the vendor's own word; a push only guesses it, so it adds at most a name.
    if (feed && !(action.who !== undefined && feed.who === undefined)) return false;
    if (!feed) this.note(vendorLockId, action, 'push');
    return true;
  }

  private note(lockId: string, action: LastAction, by: 'push' | 'feed'): void {
    const list = this.announced.get(lockId) ?? [];
    list.push({ action, by });
    if (list.length > 20) list.shift();
    this.announced.set(lockId, list);
  }

  /** The earliest unmatched announcement by `by` of the same state close in time, removed. */
  private take(lockId: string, by: 'push' | 'feed', action: LastAction, ms: number): LastAction | undefined {
    const list = this.announced.get(lockId);
    if (!list) return undefined;
    const i = list.findIndex(
      (a) =>
        a.by === by &&
        a.action.action === action.action &&
        Math.abs(Date.parse(a.action.at) - ms) < SAME_OPERATION_MS,
    );
    return i < 0 ? undefined : list.splice(i, 1)[0].action;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  start(): void {
    this.stopped = false;
  }

  private schedule(houseId: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) void this.refresh(houseId);
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async read(houseId: string, limit: number, announce: boolean): Promise<void> {
    let entries;
    try {
      entries = await this.deps.authed(() => this.deps.client.getHouseActivities(houseId, limit));
    } catch (err) {
      this.deps.logger.warn(
        `August activity feed unavailable (${isLockbridgeError(err) ? err.code : 'error'}); who and how stay unknown`,
      );
      return;
    }
    const fresh: Array<Extract<MappedActivity, { kind: 'lock' }> & { ms: number }> = [];
    // The feed is newest first: walk it oldest first so entries of the same millisecond keep their order.
    for (const entry of [...entries].reverse()) {
      const mapped = mapActivity(entry);
      if (!mapped || mapped.kind !== 'lock' || !this.deps.knows(mapped.vendorLockId)) continue;
      const ms = Date.parse(mapped.action.at);
      if (!this.isNew(mapped.vendorLockId, ms, mapped.entryId)) continue;
      fresh.push({ ...mapped, ms });
    }
    fresh.sort((a, b) => a.ms - b.ms);
    for (const item of fresh) {
      if (this.stopped) return;
      if (item.userId && item.action.how === 'keypad') {
        const slot = await this.slotOf(item.vendorLockId, item.userId);
        if (slot !== undefined) item.action.slot = slot;
      }
      this.remember(item.vendorLockId, item.ms, item.entryId);
      this.last.set(item.vendorLockId, item.action);
      if (!announce) continue;
      // A push may already have announced this operation: announce again only to add to it.
      const pushed = this.take(item.vendorLockId, 'push', item.action, item.ms);
      if (pushed && !adds(item.action, pushed)) continue;
      if (!pushed) this.note(item.vendorLockId, item.action, 'feed');
      this.deps.onActivity(item.vendorLockId, item.action);
    }
  }

  private isNew(lockId: string, ms: number, entryId: string | undefined): boolean {
    if (entryId && this.seenIds.has(entryId)) return false;
    const newest = this.newest.get(lockId);
    if (newest === undefined) return true;
    return ms > newest || (ms === newest && entryId !== undefined);
  }

  private remember(lockId: string, ms: number, entryId: string | undefined): void {
    if (ms > (this.newest.get(lockId) ?? -Infinity)) this.newest.set(lockId, ms);
    if (!entryId) return;
    this.seenIds.add(entryId);
    if (this.seenIds.size > SEEN_IDS_KEPT) this.seenIds.delete(this.seenIds.values().next().value!);
  }

  /**
   * The keypad slot of a PIN user: the feed names the user, the PIN list holds the slot. The list is
   * read at most once per unknown user; a lock without PINs (or no manager rights) has no slot.
   */
  private async slotOf(lockId: string, userId: string): Promise<number | undefined> {
    const known = this.slots.get(lockId)?.get(userId);
    if (known !== undefined) return known;
    let pins: AugustPinsByState;
    try {
      pins = await this.deps.authed(() => this.deps.client.getPins(lockId));
    } catch {
      return undefined;
    }
    const bySlot = new Map<string, number>();
    for (const group of Object.values(pins))
      for (const pin of group ?? [])
        if (pin.userID && typeof pin.slot === 'number') bySlot.set(pin.userID, pin.slot);
    this.slots.set(lockId, bySlot);
    return bySlot.get(userId);
  }
}

/**
 * Whether a second report of one operation tells more than the first: a name, a keypad slot, or how
 * (a push guesses "app" where the feed says keypad). "unknown" adds nothing.
 */
function adds(next: LastAction, first: LastAction): boolean {
  return (
    (next.who !== undefined && next.who !== first.who) ||
    (next.slot !== undefined && next.slot !== first.slot) ||
    (next.how !== first.how && next.how !== 'unknown')
  );
}
