import type { LockEvent } from '../../core/events';
import { encodeLastAction, stripCodes } from '../wire';
import { Extension } from './extension';

/**
 * `<base>/<lock>/activity` (who did what, how, when) and `<base>/<lock>/code` (an access code changed):
 * events, never retained. A code event carries its PIN only with publishCodes on.
 */
export class LockEventsExtension extends Extension {
  async start(): Promise<void> {
    // Events only: nothing to publish until something happens.
  }

  override onLockEvent(event: LockEvent): void {
    const { connection, topics, settings } = this.ctx;
    if (event.type === 'activity') {
      void connection.publish(
        topics.lock(event.lockId, 'activity'),
        this.json(encodeLastAction(event.action)),
      );
    } else if (event.type === 'code') {
      const body = { code: event.code, result: event.result ?? null };
      const safe = settings.publishCodes ? body : stripCodes(body);
      void connection.publish(topics.lock(event.lockId, 'code'), this.json(safe));
    }
  }
}
