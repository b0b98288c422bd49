import type { LockEvent } from '../../core/events';
import { encodeLockInfo } from '../wire';
import { Extension } from './extension';

/**
 * `<base>/bridge/locks`: retained list of the locks with vendor, name and capabilities, republished
 * when a lock comes, goes or is re-described (renamed, new capabilities).
 *
 * A discovery adds or removes many locks at once; the list is republished once per turn of the event
 * loop, not once per lock (which would cost the square of the number of locks).
 */
export class LocksListExtension extends Extension {
  private pending?: NodeJS.Immediate;

  async start(): Promise<void> {
    await this.publish();
  }

  override async stop(): Promise<void> {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    await super.stop();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type !== 'lock_added' && event.type !== 'lock_removed' && event.type !== 'lock_changed') return;
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      void this.publish();
    });
  }

  private async publish(): Promise<void> {
    const locks = await this.ctx.source.listLocks();
    const list = locks.map(encodeLockInfo).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await this.ctx.connection.publish(this.ctx.topics.bridgeLocks, this.json(list), { retain: true });
  }
}
