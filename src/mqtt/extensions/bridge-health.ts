import { toLockbridgeError } from '../../core/errors';
import type { InFlightLimiter } from '../limiter';
import type { Timers } from '../timers';
import type { BridgeContext } from './extension';
import { Extension } from './extension';

/** What `<base>/bridge/health` carries. */
export interface BridgeHealth {
  /** ISO 8601, when this was measured. */
  at: string;
  uptime_seconds: number;
  /** MQTT commands and requests running now. */
  mqtt_in_flight: number;
  /** Lock commands queued or running in the hub; null where the source does not say (a remote daemon). */
  commands_queued: number | null;
  accounts: Array<{
    account: string;
    vendor: string;
    state: string;
    vendor_calls: number | null;
    vendor_errors: number | null;
    waiting_calls: number | null;
  }>;
}

/**
 * `<base>/bridge/health`, not retained: uptime, vendor calls and errors per account since start, and
 * the depths of the queues (vendor calls waiting for a request budget, lock commands, MQTT requests in
 * flight). Published at start and then every `mqtt.healthIntervalSeconds` (default 60).
 */
export class BridgeHealthExtension extends Extension {
  private timer?: unknown;
  private startedAt = 0;
  private stopped = false;

  constructor(
    ctx: BridgeContext,
    private readonly limiter: InFlightLimiter,
    private readonly timers: Timers,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    this.startedAt = this.ctx.clock.now();
    await this.publish();
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await super.stop();
  }

  /** The health as it is now. */
  snapshot(): BridgeHealth {
    const { source, clock } = this.ctx;
    const now = clock.now();
    const health = source.health?.();
    const counters = new Map(health?.accounts.map((a) => [a.account, a]));
    return {
      at: new Date(now).toISOString(),
      uptime_seconds: Math.floor((now - this.startedAt) / 1000),
      mqtt_in_flight: this.limiter.inFlight,
      commands_queued: health ? health.commandsQueued : null,
      accounts: source.accounts().map((a) => {
        const c = counters.get(a.account);
        return {
          account: a.account,
          vendor: a.vendor,
          state: a.state,
          vendor_calls: c ? c.vendorCalls : null,
          vendor_errors: c ? c.vendorErrors : null,
          waiting_calls: c ? c.waitingCalls : null,
        };
      }),
    };
  }

  private async publish(): Promise<void> {
    try {
      await this.ctx.connection.publish(this.ctx.topics.bridgeHealth, this.json(this.snapshot()));
    } finally {
      // The next one is scheduled after this one was handed over, so a slow broker never stacks them.
      if (!this.stopped)
        this.timer = this.timers.setTimeout(() => {
          this.publish().catch((err) =>
            this.ctx.logger.warn(`Publishing bridge health failed: ${toLockbridgeError(err).message}`),
          );
        }, this.ctx.settings.healthIntervalMs);
    }
  }
}
