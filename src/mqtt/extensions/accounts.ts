import type { LockEvent } from '../../core/events';
import { Extension } from './extension';

/** `<base>/bridge/accounts`: retained list of the accounts and how they are doing (never a secret). */
export class AccountsExtension extends Extension {
  async start(): Promise<void> {
    await this.publish();
  }

  override onLockEvent(event: LockEvent): void {
    if (event.type === 'account') void this.publish();
  }

  private publish(): Promise<void> {
    return this.ctx.connection.publish(
      this.ctx.topics.bridgeAccounts,
      this.json(this.ctx.source.accounts()),
      {
        retain: true,
      },
    );
  }
}
