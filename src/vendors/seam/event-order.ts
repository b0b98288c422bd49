import type { DriverPush } from '../driver';

type StatusPush = Extract<DriverPush, { type: 'status' }>;

/**
 * Keeps an older Seam event from overwriting what a newer one said. Seam delivers events through
 * Svix webhooks (at least once, in no guaranteed order: docs.svix.com "Retries" and "Ordering") and
 * through the events list, so a `lock.locked` that occurred before a `lock.unlocked` may arrive
 * after it. Each field of each device remembers the `occurred_at` of the event that last set it; a
 * status push keeps only the fields it is the newest word on. Vendor times are compared only with
 * vendor times, never with our clock (the two may disagree). The activity itself is history and is
 * always passed on.
 */
export class EventOrder {
  /** `device \0 field` -> the newest occurred_at (ms) that set it. */
  private readonly latest = new Map<string, number>();

  /** The part of a status push that is newer than what earlier events said; undefined if nothing is. */
  newer(push: StatusPush, occurredAt: string | undefined): StatusPush | undefined {
    const at = occurredAt ? Date.parse(occurredAt) : Number.NaN;
    if (Number.isNaN(at)) return push;
    const status: StatusPush['status'] = {};
    for (const [field, value] of Object.entries(push.status) as Array<
      [keyof StatusPush['status'], StatusPush['status'][keyof StatusPush['status']]]
    >) {
      const key = `${push.vendorLockId}\u0000${field}`;
      const seen = this.latest.get(key);
      if (seen !== undefined && seen > at) continue;
      this.latest.set(key, at);
      Object.assign(status, { [field]: value });
    }
    return Object.keys(status).length > 0 ? { ...push, status } : undefined;
  }
}
