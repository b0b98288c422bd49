import { toLockbridgeError } from '../../core/errors';
import type { Lock } from '../../core/model';
import type { IncomingMessage } from '../connection';
import { encodeState } from '../wire';
import type { BridgeContext } from './extension';
import { Extension } from './extension';

/** Publishes a lock's state again, retained, exactly as StatePublisherExtension does. */
export function republishState(ctx: BridgeContext, lock: Lock): Promise<void> {
  return ctx.connection.publish(ctx.topics.lock(lock.id, 'state'), JSON.stringify(encodeState(lock.status)), {
    retain: true,
  });
}

/**
 * `<base>/<lock>/get` (any payload): publishes that lock's state again on `<base>/<lock>/state`, as
 * zigbee2mqtt's `/get` does. It reads the state Lockbridge holds and never calls the vendor, so it costs
 * no API budget and is open to every broker user, read-only ones included: they may read the state
 * anyway. It answers nothing else; an unknown lock is logged at debug level and ignored. A retained
 * `get` is cleared and ignored (it would replay on every start).
 */
export class StateRequestsExtension extends Extension {
  async start(): Promise<void> {
    await this.listen(this.ctx.topics.anyLock('get'), (message) => void this.handle(message));
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const { topics, source, logger, connection } = this.ctx;
    const lockId = topics.lockOf(message.topic, 'get');
    if (!lockId) return;
    if (message.retain) {
      if (message.payload.length > 0) void connection.publish(message.topic, '', { retain: true });
      return;
    }
    try {
      await republishState(this.ctx, await source.getLock(lockId));
    } catch (err) {
      logger.debug(`Ignored a get for ${lockId.slice(0, 100)}: ${toLockbridgeError(err).code}`);
    }
  }
}
