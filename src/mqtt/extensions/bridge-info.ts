import type { LockEvent } from '../../core/events';
import { bridgeInfoOf } from '../bridge-info';
import { Extension } from './extension';

/**
 * `<base>/bridge/info`: retained version, settings summary (no secrets, see bridgeInfoOf) and accounts
 * with their states; published at start and again whenever an account changes state.
 */
export class BridgeInfoExtension extends Extension {
  private last = '';

  async start(): Promise<void> {
    await this.publish();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'account') void this.publish();
  }

  private async publish(): Promise<void> {
    const { connection, topics, settings, source, version } = this.ctx;
    const payload = this.json(bridgeInfoOf(version, settings, source.accounts()));
    if (payload === this.last) return;
    this.last = payload;
    await connection.publish(topics.bridgeInfo, payload, { retain: true });
  }
}
