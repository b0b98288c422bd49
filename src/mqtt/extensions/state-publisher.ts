import type { LockEvent } from '../../core/events';
import type { Lock } from '../../core/model';
import { encodeState } from '../wire';
import { Extension } from './extension';

/**
 * `<base>/<lock>/state`: retained JSON state of each lock; cleared when a lock disappears.
 *
 * Changes are coalesced per lock within one turn of the event loop: a vendor event often arrives as
 * a status and an activity at once, and a burst may touch a lock twice. The retained state only needs
 * the latest value, so each lock is published once per turn, with its newest state.
 */
export class StatePublisherExtension extends Extension {
  private readonly dirty = new Map<string, Lock>();
  private flushing?: NodeJS.Immediate;

  async start(): Promise<void> {
    await this.inSlices(await this.ctx.source.listLocks(), (lock) => this.publish(lock));
  }

  override async stop(): Promise<void> {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    this.flush();
    await super.stop();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'state' || event.type === 'lock_added') {
      this.dirty.set(event.lock.id, event.lock);
      this.flushing ??= setImmediate(() => {
        this.flushing = undefined;
        this.flush();
      });
    } else if (event.type === 'lock_removed') {
      this.dirty.delete(event.lockId);
      void this.ctx.connection.publish(this.ctx.topics.lock(event.lockId, 'state'), '', { retain: true });
    }
  }

  override forgetLock(lockId: string): void {
    this.dirty.delete(lockId);
  }

  private flush(): void {
    const locks = [...this.dirty.values()];
    this.dirty.clear();
    for (const lock of locks) void this.publish(lock);
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
