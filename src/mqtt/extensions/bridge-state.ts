import { Extension } from './extension';

export const ONLINE = JSON.stringify({ state: 'online' });
export const OFFLINE = JSON.stringify({ state: 'offline' });

/**
 * `<base>/bridge/state`: retained {"state":"online"} once connected; the connection's last will says
 * {"state":"offline"} if the bridge dies, and a clean stop says it too.
 */
export class BridgeStateExtension extends Extension {
  async start(): Promise<void> {
    await this.ctx.connection.publish(this.ctx.topics.bridgeState, ONLINE, { retain: true });
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.ctx.connection.publish(this.ctx.topics.bridgeState, OFFLINE, { retain: true });
  }
}
