/**
 * The bridge's running account of what it has published under the discovery prefix (device object id ->
 * component id -> platform), seeded from the record of the previous run when nothing moved since, and
 * written back to the storage directory after changes (one write at a time; changes made meanwhile
 * are written by the next one). Without storage it still tracks this run, which is enough to remove a
 * component that goes away while the bridge runs.
 */
import type { Logger } from '../../core/logger';
import type { Storage } from '../../core/storage';
import { transitionFrom, type DiscoveryPlace, type Transition } from './discovery-changes';
import { loadRecord, saveRecord, type DiscoveryRecord, type PublishedObjects } from './discovery-record';
import type { Platform } from './lock-components';

export class DiscoveryLedger {
  private objects: PublishedObjects = {};
  private writing?: Promise<void>;
  private dirty = false;
  /**
   * While a form switch or move is under way the record keeps naming the old topics, so a crash
   * half-way makes the next start do it again rather than forget the old configs.
   */
  private held = false;
  /** Rounds under way: their changes are written once, when the last ends (10,000 locks, one write). */
  private batching = 0;

  constructor(
    private readonly storage: Storage | undefined,
    private readonly place: DiscoveryPlace,
    private readonly logger: Logger,
  ) {}

  /** Reads the previous run's record; from here on the ledger holds what is out there in `place`. */
  async open(): Promise<{ previous?: DiscoveryRecord; transition: Transition }> {
    let previous: DiscoveryRecord | undefined;
    try {
      previous = this.storage ? await loadRecord(this.storage) : undefined;
    } catch (err) {
      this.logger.warn(`Home Assistant: could not read the discovery record (${(err as Error).name})`);
    }
    const transition = transitionFrom(previous, this.place);
    if (transition === 'same' && previous) this.objects = structuredClone(previous.objects);
    this.held = transition === 'migrate' || transition === 'move';
    return { previous, transition };
  }

  get(objectId: string): Record<string, Platform> | undefined {
    return this.objects[objectId];
  }

  ids(): string[] {
    return Object.keys(this.objects);
  }

  set(objectId: string, components: ReadonlyMap<string, { platform: Platform }>): void {
    const next: Record<string, Platform> = {};
    for (const [id, c] of components) next[id] = c.platform;
    const before = this.objects[objectId];
    if (before && JSON.stringify(before) === JSON.stringify(next)) return;
    this.objects[objectId] = next;
    this.changed();
  }

  delete(objectId: string): void {
    if (!(objectId in this.objects)) return;
    delete this.objects[objectId];
    this.changed();
  }

  /** The switch or move is complete (the old topics are cleared): the record may name the new place. */
  release(): void {
    this.held = false;
    this.changed();
  }

  /** Runs a whole discovery round, writing its changes once at its end. */
  async batch<T>(fn: () => Promise<T>): Promise<T> {
    this.batching++;
    try {
      return await fn();
    } finally {
      this.batching--;
      if (this.dirty) this.changed();
    }
  }

  /** Resolves once every change so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private changed(): void {
    if (!this.storage) return;
    this.dirty = true;
    if (this.held || this.batching > 0) return;
    this.writing ??= this.writeLoop().finally(() => (this.writing = undefined));
  }

  private async writeLoop(): Promise<void> {
    const storage = this.storage!;
    while (this.dirty) {
      this.dirty = false;
      const record: DiscoveryRecord = { version: 1, ...this.place, objects: this.objects };
      try {
        await saveRecord(storage, record);
      } catch (err) {
        this.logger.warn(`Home Assistant: could not write the discovery record (${(err as Error).name})`);
      }
    }
  }
}
