import type { LockEvent } from '../../core/events';
import type { Lock } from '../../core/model';
import { Extension } from './extension';

/** `<base>/<lock>/availability`: retained online/offline (Home Assistant's default payloads). */
export class AvailabilityExtension extends Extension {
  private readonly last = new Map<string, string>();

  async start(): Promise<void> {
    await this.inSlices(await this.ctx.source.listLocks(), (lock) => this.publish(lock));
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'state' || event.type === 'lock_added') void this.publish(event.lock);
    else if (event.type === 'lock_removed') {
      this.last.delete(event.lockId);
      void this.ctx.connection.publish(this.ctx.topics.lock(event.lockId, 'availability'), '', {
        retain: true,
      });
    }
  }

  override forgetLock(lockId: string): void {
    this.last.delete(lockId);
  }

  private async publish(lock: Lock): Promise<void> {
    const value = lock.status.online ? 'online' : 'offline';
    if (this.last.get(lock.id) === value) return;
    this.last.set(lock.id, value);
    await this.ctx.connection.publish(this.ctx.topics.lock(lock.id, 'availability'), value, { retain: true });
  }
}
