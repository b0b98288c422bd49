import type { LockEvent } from '../../core/events';
import type { Lock } from '../../core/model';
import { ALL_OBJECTS, discoveryMessages, discoveryTopicOf } from '../ha-discovery';
import { cleanId } from '../topics';
import { unlockCodeFor } from '../unlock-code';
import { Extension } from './extension';

/** Locks whose discovery is sent before the next slice waits for the broker's acknowledgements. */
const DISCOVERY_SLICE = 100;
/** A birth message is answered this long after it came, so a burst of them costs one resend. */
export const BIRTH_QUIET_MS = 1000;
/** At most one resend per this long, however many birth messages come (anyone may send one). */
export const MIN_RESEND_GAP_MS = 10_000;

/**
 * Home Assistant discovery. Sent at start, sent again when Home Assistant announces itself on
 * `<prefix>/status` (its birth message), and removed (empty retained payload) when a lock disappears.
 * Discovery is not retained: resending on birth is what Home Assistant recommends. Births are
 * debounced: one resend a second after the first of a burst, and at most one per MIN_RESEND_GAP_MS,
 * so a client flooding the birth topic cannot make the bridge flood the broker.
 */
export class HomeAssistantExtension extends Extension {
  private resend?: unknown;
  private lastResendAt = Number.NEGATIVE_INFINITY;
  private births = 0;

  private get prefix(): string {
    return this.ctx.settings.homeAssistant.prefix;
  }
  private get nodeId(): string {
    return cleanId(this.ctx.settings.baseTopic);
  }

  async start(): Promise<void> {
    if (!this.ctx.settings.homeAssistant.enabled) return;
    await this.listen(`${this.prefix}/status`, (message) => {
      if (message.payload.toString('utf8').trim().toLowerCase() === 'online') this.onBirth();
    });
    // In the background: with thousands of locks, discovery is four messages per lock, and the set
    // and request topics (started after this extension) must not wait for it.
    void this.publishAll();
  }

  override async stop(): Promise<void> {
    if (this.resend !== undefined) this.ctx.timers.clearTimeout(this.resend);
    this.resend = undefined;
    await super.stop();
  }

  private onBirth(): void {
    this.births++;
    this.ctx.logger.debug('Home Assistant birth message');
    if (this.resend !== undefined) return;
    const now = this.ctx.clock.now();
    const at = Math.max(now + BIRTH_QUIET_MS, this.lastResendAt + MIN_RESEND_GAP_MS);
    this.resend = this.ctx.timers.setTimeout(() => {
      this.resend = undefined;
      this.lastResendAt = this.ctx.clock.now();
      this.ctx.logger.info(
        `Home Assistant is online (${this.births} birth message${this.births === 1 ? '' : 's'}); sending discovery`,
      );
      this.births = 0;
      void this.publishAll();
    }, at - now);
  }

  override onLockEvent(event: LockEvent): void {
    if (!this.ctx.settings.homeAssistant.enabled) return;
    if (event.type === 'lock_added') void this.publish(event.lock);
    else if (event.type === 'lock_removed') void this.remove(event.lockId);
  }

  /** In slices, so commands and state changes interleave with a large discovery instead of queueing behind it. */
  private async publishAll(): Promise<void> {
    await this.inSlices(await this.ctx.source.listLocks(), (lock) => this.publish(lock), DISCOVERY_SLICE);
  }

  private async publish(lock: Lock): Promise<void> {
    const messages = discoveryMessages(lock, {
      topics: this.ctx.topics,
      prefix: this.prefix,
      nodeId: this.nodeId,
      version: this.ctx.version,
      unlockCode: unlockCodeFor(lock, this.ctx.settings),
    });
    await Promise.all(messages.map((m) => this.ctx.connection.publish(m.topic, this.json(m.payload))));
  }

  private async remove(lockId: string): Promise<void> {
    const options = { prefix: this.prefix, nodeId: this.nodeId };
    // Retained empty payloads: Home Assistant deletes the entity, and no retained config lingers.
    await Promise.all(
      ALL_OBJECTS.map((object) =>
        this.ctx.connection.publish(discoveryTopicOf(options, lockId, object), '', { retain: true }),
      ),
    );
  }
}
