import { Extension, type BridgeContext } from './extension';

export const ONLINE = JSON.stringify({ state: 'online' });
export const OFFLINE = JSON.stringify({ state: 'offline' });

/**
 * `<base>/bridge/state`: retained {"state":"online"} once connected; the connection's last will says
 * {"state":"offline"} if the bridge dies, and a clean stop says it too.
 */
export class BridgeStateExtension extends Extension {
  constructor(
    ctx: BridgeContext,
    /**
     * Cluster mode: this daemon's own state topic. The namespace's bridge/state says online while any
     * daemon runs, so a daemon that stops (or dies: its last will) says offline only here.
     */
    private readonly nodeTopic?: string,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    await this.ctx.connection.publish(this.ctx.topics.bridgeState, ONLINE, { retain: true });
    if (this.nodeTopic) await this.ctx.connection.publish(this.nodeTopic, ONLINE, { retain: true });
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.ctx.connection.publish(this.nodeTopic ?? this.ctx.topics.bridgeState, OFFLINE, {
      retain: true,
    });
  }
}
