import type { LockEvent } from '../../core/events';
import type { LastAction, Lock } from '../../core/model';
import {
  bridgeDiscovery,
  lockDiscovery,
  lockRemoval,
  type DiscoveryMessage,
  type DiscoveryOptions,
} from '../ha-discovery';
import { deviceNames } from '../ha/device-names';
import { cleanId } from '../topics';
import { unlockCodeFor } from '../unlock-code';
import { encodeLastAction } from '../wire';
import { Extension, type CommandFailure } from './extension';

/** Locks whose discovery is sent before the next slice waits for the broker's acknowledgements. */
const DISCOVERY_SLICE = 100;
/** A birth message is answered this long after it came, so a burst of them costs one resend. */
export const BIRTH_QUIET_MS = 1000;
/** At most one resend per this long, however many birth messages come (anyone may send one). */
export const MIN_RESEND_GAP_MS = 10_000;

/** The event entity's type for each action a lock reports (others, like LOCKING, raise none). */
const EVENT_OF: Partial<Record<LastAction['action'], string>> = {
  LOCKED: 'locked',
  UNLOCKED: 'unlocked',
  OPEN: 'opened',
  JAMMED: 'jammed',
};

/**
 * Home Assistant: discovery of the bridge device and of each lock (see ha-discovery.ts), sent at start,
 * again when Home Assistant announces itself on `<prefix>/status` (its birth message), and removed
 * (empty retained payloads) when a lock disappears. Retained by default: only the bridge may write
 * under the prefix (broker-acl.ts). Births are debounced: one resend a second after the first of a
 * burst, at most one per MIN_RESEND_GAP_MS, so a client flooding the birth topic cannot make the
 * bridge flood the broker. Also publishes `<base>/<lock>/event`, the lock's event entity: what
 * happened (locked, unlocked, opened, jammed, who, how, when) and commands that failed.
 */
export class HomeAssistantExtension extends Extension {
  private resend?: unknown;
  private lastResendAt = Number.NEGATIVE_INFINITY;
  private births = 0;
  /** Device names sent, by lock id: a new lock sharing a name renames the others. */
  private readonly names = new Map<string, string>();
  private unsubscribeFailures?: () => void;
  /** Locks added or removed in one turn of the event loop are renamed and sent together. */
  private renaming?: NodeJS.Immediate;

  private get enabled(): boolean {
    return this.ctx.settings.homeAssistant.enabled;
  }
  private get options(): DiscoveryOptions {
    const ha = this.ctx.settings.homeAssistant;
    return {
      topics: this.ctx.topics,
      prefix: ha.prefix,
      nodeId: cleanId(this.ctx.settings.baseTopic),
      version: this.ctx.version,
      form: ha.discovery,
    };
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    this.unsubscribeFailures = this.ctx.commandFailures.subscribe((f) => this.onCommandFailed(f));
    await this.listen(`${this.options.prefix}/status`, (message) => {
      if (message.payload.toString('utf8').trim().toLowerCase() === 'online') this.onBirth();
    });
    // In the background: with thousands of locks the set and request topics (started after this
    // extension) must not wait for discovery.
    void this.publishAll();
  }

  override async stop(): Promise<void> {
    if (this.resend !== undefined) this.ctx.timers.clearTimeout(this.resend);
    this.resend = undefined;
    this.unsubscribeFailures?.();
    if (this.renaming) clearImmediate(this.renaming);
    this.renaming = undefined;
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
    if (!this.enabled) return;
    if (event.type === 'lock_added') this.scheduleRename();
    else if (event.type === 'lock_removed') {
      void this.remove(event.lockId);
      this.scheduleRename();
    } else if (event.type === 'account') void this.publishBridge();
    else if (event.type === 'activity') {
      const type = EVENT_OF[event.action.action];
      if (type) void this.publishEvent(event.lockId, { event_type: type, ...encodeLastAction(event.action) });
    }
  }

  private onCommandFailed(failure: CommandFailure): void {
    // Only a known lock: anyone may publish on any `<base>/<x>/set`, and must not create event topics.
    if (!this.names.has(failure.lockId)) return;
    void this.publishEvent(failure.lockId, {
      event_type: 'command_failed',
      command: failure.command ?? null,
      code: failure.error.code,
      message: failure.error.message,
    });
  }

  private publishEvent(lockId: string, body: Record<string, unknown>): Promise<void> {
    // Never retained: Home Assistant ignores a replayed event, and an event happens once.
    return this.ctx.connection.publish(this.ctx.topics.lock(lockId, 'event'), this.json(body), { qos: 1 });
  }

  /** In slices, so commands and state changes interleave with a large discovery instead of queueing behind it. */
  private async publishAll(): Promise<void> {
    const locks = await this.ctx.source.listLocks();
    this.rename(locks);
    await this.publishBridge();
    await this.inSlices(locks, (lock) => this.publish(lock), DISCOVERY_SLICE);
  }

  private scheduleRename(): void {
    this.renaming ??= setImmediate(() => {
      this.renaming = undefined;
      void this.publishChanged();
    });
  }

  /** Locks came or went: new locks, and any lock whose name changed with them, are (re)sent. */
  private async publishChanged(): Promise<void> {
    const locks = await this.ctx.source.listLocks();
    const changed = this.rename(locks);
    await this.inSlices(
      locks.filter((l) => changed.has(l.id)),
      (lock) => this.publish(lock),
      DISCOVERY_SLICE,
    );
  }

  /** Computes every device name; returns the ids whose name is new or changed. */
  private rename(locks: Lock[]): Set<string> {
    const next = deviceNames(locks, this.ctx.settings.homeAssistant.deviceNames);
    const changed = new Set<string>();
    for (const [id, name] of next) if (this.names.get(id) !== name) changed.add(id);
    this.names.clear();
    for (const [id, name] of next) this.names.set(id, name);
    return changed;
  }

  private async publishBridge(): Promise<void> {
    const accounts = this.ctx.source.accounts().map((a) => a.account);
    const { messages, skipped } = bridgeDiscovery(accounts, this.options);
    for (const id of skipped)
      this.ctx.logger.warn(
        `Home Assistant: no sensors for account ${JSON.stringify(id.slice(0, 100))} (its id has characters a template cannot hold)`,
      );
    await this.send(messages);
  }

  private async publish(lock: Lock): Promise<void> {
    const name = this.names.get(lock.id) ?? lock.name;
    const unlockCode = unlockCodeFor(lock, this.ctx.settings);
    await this.send(lockDiscovery({ lock, name, unlockCode }, this.options));
  }

  private async send(messages: DiscoveryMessage[]): Promise<void> {
    const retain = this.ctx.settings.homeAssistant.retain;
    await Promise.all(
      messages.map((m) =>
        this.ctx.connection.publish(m.topic, m.payload ? this.json(m.payload) : '', {
          retain: m.payload ? retain : true,
        }),
      ),
    );
  }

  private async remove(lockId: string): Promise<void> {
    this.names.delete(lockId);
    // Retained empty payloads: Home Assistant deletes the entities, and no retained config lingers.
    await this.send(lockRemoval(lockId, this.options));
  }
}
