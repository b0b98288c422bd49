import type { LockEvent } from '../../core/events';
import type { Lock } from '../../core/model';
import {
  BRIDGE_OBJECT,
  bridgeDiscovery,
  lockComponentsOf,
  lockDiscovery,
  lockRemoval,
  type DiscoveryMessage,
  type DiscoveryOptions,
} from '../ha-discovery';
import { deviceNames } from '../ha/device-names';
import {
  clearingMessages,
  migrationMessages,
  removedComponents,
  type Transition,
} from '../ha/discovery-changes';
import { DiscoveryLedger } from '../ha/discovery-ledger';
import type { DiscoveryRecord } from '../ha/discovery-record';
import type { Component, Platform } from '../ha/lock-components';
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
 * After the migration requests of a form switch, this long before the new configs: Home Assistant
 * unloads the old entities in tasks of their own (entity.py), and a new config arriving before they are
 * gone would find its unique id still taken (home-assistant/core's own migration tests let the
 * requests settle before they publish the new form).
 */
export const MIGRATION_SETTLE_MS = 2000;

/**
 * Home Assistant: discovery of the bridge device and of each lock (see ha-discovery.ts), sent at start,
 * again when Home Assistant announces itself on `<prefix>/status` (its birth message), and removed
 * (empty retained payloads) when a lock disappears. What was published is kept in a ledger (and in the
 * storage directory, ha/discovery-record.ts): a component that goes away is removed, and at start a
 * switch of discovery form hands the entities over (migrate_discovery), a changed prefix or base topic
 * clears the old configs, and a lock that left while the bridge was down is removed. Retained by
 * default: only the bridge may write under the prefix (broker-acl.ts). Births are debounced: one resend a second after the first of a
 * burst, at most one per MIN_RESEND_GAP_MS, so a client flooding the birth topic cannot make the
 * bridge flood the broker. The event entity's messages: ha-events.ts.
 */
export class HomeAssistantExtension extends Extension {
  private resend?: unknown;
  private lastResendAt = Number.NEGATIVE_INFINITY;
  private births = 0;
  /** Device names sent, by lock id: a new lock sharing a name renames the others. */
  private readonly names = new Map<string, string>();
  /** Locks added or removed in one turn of the event loop are renamed and sent together. */
  private renaming?: NodeJS.Immediate;
  private ledger?: DiscoveryLedger;
  private settling?: { timer: unknown; resolve: () => void };
  /** Full discovery rounds (start, each resend) run one after another; stop() waits for the last. */
  private rounds: Promise<void> = Promise.resolve();
  private stopped = false;
  /** A form switch or move found at start: every round of this run repeats it (see resendRound). */
  private handover?: { previous: DiscoveryRecord; transition: Transition };
  private handedOver = false;
  /** Components removed during this run, by device, repeated in every later message for that device. */
  private readonly removedThisRun = new Map<string, Record<string, Platform>>();
  /** Locks removed during this run, whose removal every later round repeats unless they came back. */
  private readonly removedLocks = new Set<string>();

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
    const { prefix, nodeId, form } = this.options;
    this.ledger = new DiscoveryLedger(this.ctx.storage, { prefix, nodeId, form }, this.ctx.logger);
    const { previous, transition } = await this.ledger.open();
    if (previous && (transition === 'migrate' || transition === 'move'))
      this.handover = { previous, transition };
    await this.listen(`${prefix}/status`, (message) => {
      if (message.payload.toString('utf8').trim().toLowerCase() === 'online') this.onBirth();
    });
    // In the background: with thousands of locks the set and request topics (started after this
    // extension) must not wait for discovery.
    this.round();
  }

  /**
   * One full discovery round, after the previous one. Every round repeats what this run changed, since
   * Home Assistant may not have heard it: with the embedded broker it reconnects only after the bridge
   * restarted, and a broker keeps no empty retained payload; a repeated migration request or removal
   * for something Home Assistant no longer has does nothing there.
   */
  private round(): void {
    this.rounds = this.rounds
      .then(() => (this.handover ? this.handOver(this.handover) : this.publishAll()))
      .catch((err: unknown) =>
        this.ctx.logger.warn(`Home Assistant discovery failed: ${(err as Error).name}`),
      );
  }

  /** A discovery round with a form switch or a move of the previous run's configs around it. */
  private async handOver({
    previous,
    transition,
  }: {
    previous: DiscoveryRecord;
    transition: Transition;
  }): Promise<void> {
    const count = Object.keys(previous.objects).length;
    // Said once; the repeats on Home Assistant's birth messages are routine.
    const log = (text: string) =>
      this.handedOver ? this.ctx.logger.debug(text) : this.ctx.logger.info(text);
    if (transition === 'migrate') {
      log(
        `Home Assistant: discovery form changed from ${previous.form} to ${this.options.form}; handing the entities of ${count} device(s) over (migrate_discovery)`,
      );
      await this.send(migrationMessages(previous));
      await this.settle();
      // Stopped meanwhile: the record still names the old form, so the next start migrates again.
      if (this.stopped) return;
    } else {
      log(
        `Home Assistant: discovery moved from ${previous.prefix} (node ${previous.nodeId}); clearing the configs of ${count} device(s) there`,
      );
    }
    await this.publishAll();
    await this.send(clearingMessages(previous, previous.objects));
    this.ledger?.release();
    this.handedOver = true;
  }

  private settle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.ctx.timers.setTimeout(() => {
        this.settling = undefined;
        resolve();
      }, MIGRATION_SETTLE_MS);
      this.settling = { timer, resolve };
    });
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    if (this.settling) {
      this.ctx.timers.clearTimeout(this.settling.timer);
      this.settling.resolve();
      this.settling = undefined;
    }
    await this.rounds;
    await this.ledger?.flush();
    if (this.resend !== undefined) this.ctx.timers.clearTimeout(this.resend);
    this.resend = undefined;
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
      this.round();
    }, at - now);
  }

  override onLockEvent(event: LockEvent): void {
    if (!this.enabled) return;
    if (event.type === 'lock_added') this.scheduleRename();
    else if (event.type === 'lock_removed') {
      void this.remove(event.lockId);
      this.scheduleRename();
    } else if (event.type === 'account') void this.publishBridge();
    else if (event.type === 'state') this.onStateChanged(event.lock);
    else if (event.type === 'lock_changed') this.onDescribed(event.lock, event.previous);
  }

  /**
   * A lock renamed or with new capabilities (an open function, a keypad) is sent again: its entities
   * and their options follow its capabilities. A new name may also rename the locks sharing it.
   */
  private onDescribed(lock: Lock, previous: Lock): void {
    if (lock.name !== previous.name) this.scheduleRename();
    else if (this.names.has(lock.id)) void this.publish(lock);
  }

  /**
   * A lock whose entities changed with its status (battery data or a door sensor came or went) is sent
   * again, without what it lost. Only a lock already sent: the others are sent by their own turn.
   */
  private onStateChanged(lock: Lock): void {
    const before = this.ledger?.get(lock.id);
    if (!before || !this.names.has(lock.id)) return;
    const now = lockComponentsOf({ lock, name: '', unlockCode: this.unlockCodeOf(lock) }, this.options);
    const same =
      now.size === Object.keys(before).length && [...now].every(([id, c]) => before[id] === c.platform);
    if (!same) void this.publish(lock);
  }

  /** In slices, so commands and state changes interleave with a large discovery instead of queueing behind it. */
  private publishAll(): Promise<void> {
    return this.ledger ? this.ledger.batch(() => this.sendAll()) : this.sendAll();
  }

  private async sendAll(): Promise<void> {
    const locks = await this.ctx.source.listLocks();
    this.rename(locks);
    await this.publishBridge();
    // Devices published before that are gone now (a lock that left while the bridge was down).
    const present = new Set([BRIDGE_OBJECT, ...locks.map((l) => l.id)]);
    const gone = new Set([...(this.ledger?.ids() ?? []), ...this.removedLocks]);
    await this.inSlices(
      [...gone].filter((id) => !present.has(id)),
      (id) => this.remove(id),
      DISCOVERY_SLICE,
    );
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
    const { components } = bridgeDiscovery(accounts, this.options);
    const removed = this.removals(BRIDGE_OBJECT, components);
    const { messages, skipped } = bridgeDiscovery(accounts, this.options, removed);
    for (const id of skipped)
      this.ctx.logger.warn(
        `Home Assistant: no sensors for account ${JSON.stringify(id.slice(0, 100))} (its id has characters a template cannot hold)`,
      );
    await this.send(messages);
    this.ledger?.set(BRIDGE_OBJECT, components);
  }

  private unlockCodeOf(lock: Lock): string | undefined {
    return unlockCodeFor(lock, this.ctx.settings);
  }

  private async publish(lock: Lock): Promise<void> {
    if (this.stopped) return;
    const input = { lock, name: this.names.get(lock.id) ?? lock.name, unlockCode: this.unlockCodeOf(lock) };
    const components = lockComponentsOf(input, this.options);
    const removed = this.removals(lock.id, components);
    this.removedLocks.delete(lock.id);
    await this.send(lockDiscovery(input, this.options, removed));
    // A lock removed while this was being sent stays removed.
    if (this.names.has(lock.id)) this.ledger?.set(lock.id, components);
  }

  /** What a device's next message removes: what it lost since the ledger, and what it lost earlier this run. */
  private removals(objectId: string, components: ReadonlyMap<string, Component>): Record<string, Platform> {
    const removed = {
      ...this.removedThisRun.get(objectId),
      ...removedComponents(this.ledger?.get(objectId), components),
    };
    for (const id of components.keys()) delete removed[id];
    if (Object.keys(removed).length > 0) this.removedThisRun.set(objectId, removed);
    else this.removedThisRun.delete(objectId);
    return removed;
  }

  private async send(messages: DiscoveryMessage[]): Promise<void> {
    const retain = this.ctx.settings.homeAssistant.retain;
    await Promise.all(
      messages.map((m) =>
        this.ctx.connection.publish(m.topic, m.payload ? this.json(m.payload) : '', {
          retain: m.transient ? false : m.payload ? retain : true,
        }),
      ),
    );
  }

  private async remove(lockId: string): Promise<void> {
    this.names.delete(lockId);
    this.ledger?.delete(lockId);
    this.removedThisRun.delete(lockId);
    this.removedLocks.add(lockId);
    // Retained empty payloads: Home Assistant deletes the entities, and no retained config lingers.
    await this.send(lockRemoval(lockId, this.options));
  }
}
