import type { LockEvent } from '../../core/events';
import type { Lock } from '../../core/model';
import { encodeState } from '../wire';
import { Extension } from './extension';

/** `<base>/<lock>/state`: retained JSON state of each lock; cleared when a lock disappears. */
export class StatePublisherExtension extends Extension {
  async start(): Promise<void> {
    await Promise.all((await this.ctx.source.listLocks()).map((lock) => this.publish(lock)));
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'state' || event.type === 'lock_added') void this.publish(event.lock);
    else if (event.type === 'lock_removed')
      void this.ctx.connection.publish(this.ctx.topics.lock(event.lockId, 'state'), '', { retain: true });
  }

  private publish(lock: Lock): Promise<void> {
    return this.ctx.connection.publish(
      this.ctx.topics.lock(lock.id, 'state'),
      this.json(encodeState(lock.status)),
      {
        retain: true,
      },
    );
  }
}
