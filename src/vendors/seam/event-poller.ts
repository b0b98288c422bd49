import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { SeamClient } from './client';
import type { SeamEvent } from './types';

export interface EventPollerOptions {
  client: SeamClient;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  onEvent: (event: SeamEvent) => void;
  /** Remembered event ids, to drop the overlap between two `since` windows. */
  dedupeSize?: number;
}

/**
 * events/list polling, for accounts without a reachable webhook URL. One call per interval whatever
 * the number of locks; `since` moves to the newest event seen, and ids seen are dropped.
 */
export class SeamEventPoller {
  private timer?: NodeJS.Timeout;
  private since: string;
  private readonly seen = new Set<string>();
  private running = false;
  private inFlight?: AbortController;
  /** Completed polls, for tests. */
  polls = 0;

  constructor(private readonly options: EventPollerOptions) {
    this.since = new Date(options.clock.now()).toISOString();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    this.timer.unref?.();
  }

  /** One poll; public so tests and the driver can poll on demand. */
  async pollOnce(): Promise<SeamEvent[]> {
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const events = await this.options.client.listEvents({ since: this.since }, controller.signal);
      const fresh = [...events]
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))
        .filter((e) => typeof e.event_id === 'string' && this.remember(e.event_id));
      for (const event of fresh) {
        if (Date.parse(event.created_at) > Date.parse(this.since)) this.since = event.created_at;
        this.options.onEvent(event);
      }
      this.polls++;
      return fresh;
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.pollOnce();
    } catch (err) {
      if (this.running)
        this.options.logger.warn(
          `Seam events/list poll failed: ${err instanceof Error ? err.message : 'error'}`,
        );
    }
    this.schedule();
  }

  private remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > (this.options.dedupeSize ?? 5000))
      this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}
