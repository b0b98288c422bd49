import type { LockEvent } from '../../core/events';
import { encodeLockInfo } from '../wire';
import { Extension } from './extension';

/** `<base>/bridge/locks`: retained list of the locks with vendor, name and capabilities. */
export class LocksListExtension extends Extension {
  async start(): Promise<void> {
    await this.publish();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'lock_added' || event.type === 'lock_removed') void this.publish();
  }

  private async publish(): Promise<void> {
    const locks = await this.ctx.source.listLocks();
    const list = locks.map(encodeLockInfo).sort((a, b) => a.id.localeCompare(b.id));
    await this.ctx.connection.publish(this.ctx.topics.bridgeLocks, this.json(list), { retain: true });
  }
}
