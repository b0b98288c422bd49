/**
 * When the August driver must ask the REST API for its locks, and when pushes are enough.
 *
 * The API has no bulk detail call, so a full listing costs 1 + N calls (GET /users/locks/mine, then
 * GET /locks/{id} per lock). While live updates are up, pushes keep the cached details current, as
 * in yalexs; then only a slow resync (default every 30 minutes) and a resync right after push comes
 * back from a drop (pushes may have been missed) go to the API. While push is down every poll is a
 * full listing.
 */
export class PushResyncSchedule {
  private lastFullAt?: number;
  private requested = false;
  /** Bumped by every resync request, so a request made during a listing is not lost by it. */
  private generation = 0;

  constructor(private readonly resyncMs: number) {}

  /** True when this listing must go to the API; false when the cache (kept by pushes) will do. */
  needsFullListing(now: number, pushUp: boolean, haveCache: boolean): boolean {
    if (!pushUp || !haveCache || this.requested || this.lastFullAt === undefined) return true;
    return now - this.lastFullAt >= this.resyncMs;
  }

  /** Call when a full listing starts; give the answer to markFull. */
  beginFull(): number {
    return this.generation;
  }

  /** A full listing that began at `startedAt` succeeded. */
  markFull(startedAt: number, generation: number): void {
    this.lastFullAt = startedAt;
    if (generation === this.generation) this.requested = false;
  }

  /** The next listing goes to the API (push came back after a drop). */
  requestResync(): void {
    this.requested = true;
    this.generation++;
  }
}
