import { Extension, type BridgeContext } from './extension';

export const ONLINE = JSON.stringify({ state: 'online' });
export const OFFLINE = JSON.stringify({ state: 'offline' });

/** Cluster mode: this daemon's own state topic, and whether another daemon is live right now. */
export interface ClusterBridgeState {
  nodeTopic: string;
  othersLive(): boolean;
}

/**
 * `<base>/bridge/state`: retained {"state":"online"} once connected; the connection's last will says
 * {"state":"offline"} if the bridge dies, and a clean stop says it too.
 *
 * Cluster mode: the namespace's bridge/state must say online while any daemon runs and offline when
 * the last one is gone (Home Assistant's entities hang on it: a whole cluster down must show
 * unavailable, not the last states as current). Each daemon's will on its main connection names its
 * own node topic (the command router watches those); a second, idle connection per daemon carries a
 * will on bridge/state (see bridge.ts). When a daemon dies the broker says offline there, and every
 * daemon still running says online again at once; when the last one dies nobody does. A clean stop
 * says offline on bridge/state only when no other daemon is live.
 */
export class BridgeStateExtension extends Extension {
  private stopping = false;

  constructor(
    ctx: BridgeContext,
    private readonly cluster?: ClusterBridgeState,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    await this.ctx.connection.publish(this.ctx.topics.bridgeState, ONLINE, { retain: true });
    if (!this.cluster) return;
    await this.ctx.connection.publish(this.cluster.nodeTopic, ONLINE, { retain: true });
    await this.listen(this.ctx.topics.bridgeState, (message) => {
      // Only the daemons write here (and the broker, for their wills): the payload is ours exactly.
      if (this.stopping || message.payload.toString('utf8') !== OFFLINE) return;
      this.ctx.logger.info(
        'Another daemon went away; the namespace is still served: bridge/state online again',
      );
      void this.ctx.connection
        .publish(this.ctx.topics.bridgeState, ONLINE, { retain: true })
        .catch(() => undefined);
    });
  }

  override async stop(): Promise<void> {
    this.stopping = true;
    await super.stop();
    if (!this.cluster) {
      await this.ctx.connection.publish(this.ctx.topics.bridgeState, OFFLINE, { retain: true });
      return;
    }
    await this.ctx.connection.publish(this.cluster.nodeTopic, OFFLINE, { retain: true });
    if (!this.cluster.othersLive())
      await this.ctx.connection.publish(this.ctx.topics.bridgeState, OFFLINE, { retain: true });
  }
}
