import type { IncomingMessage } from '../mqtt/connection';

/**
 * Which daemons the broker says are offline: their last will (or clean stop) on
 * `<base>/bridge/node/<name>/state`. A daemon killed outright is seen here at once (its socket
 * closes), long before its leases run out in Redis; the command router then answers its locks'
 * commands `not_ready` instead of leaving them to a dead daemon.
 */
export class NodeStates {
  private readonly down = new Set<string>();

  constructor(private readonly self: string) {}

  /** A retained or live message on `<base>/bridge/node/<name>/state`. */
  onMessage(node: string | undefined, message: IncomingMessage): void {
    if (!node || node === this.self) return;
    let state: unknown;
    try {
      state = (JSON.parse(message.payload.toString('utf8')) as { state?: unknown }).state;
    } catch {
      return;
    }
    if (state === 'offline') this.down.add(node);
    else if (state === 'online') this.down.delete(node);
  }

  offline(): string[] {
    return [...this.down];
  }
}
