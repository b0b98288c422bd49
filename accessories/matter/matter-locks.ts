import { toLockbridgeError } from '../../src/core/errors';
import type { Lock } from '../../src/core/model';
import { homeKitKindOf } from '../homekit-kind';
import { PLATFORM_NAME, PLUGIN_NAME } from '../settings';
import type { MatterApi } from './matter-api';
import { MatterDoorLock, type MatterDoorLockDeps } from './matter-door-lock';

/** How long a registered lock may take to appear on Homebridge's Matter bridge. */
const ON_BRIDGE_TIMEOUT_MS = 60_000;

interface Entry {
  door: MatterDoorLock;
  shape: string;
  /** Every Matter call for this lock runs in order: an update never overtakes its registration. */
  chain: Promise<void>;
}

/** The UUID of a lock's Matter accessory: stable across restarts, distinct from its HAP accessory's. */
export function matterUuid(matter: MatterApi, lock: Pick<Lock, 'vendor' | 'vendorLockId'>): string {
  return matter.uuid.generate(`lockbridge:matter:${lock.vendor}:${lock.vendorLockId}`);
}

/**
 * Every lock that can lock or unlock, as a Matter DoorLock beside its HAP accessory. Fed by the platform
 * with the same discovery and events as the HAP side. Homebridge restores cached Matter accessories
 * only as records (configureMatterAccessory); a lock is published when it is registered in this session.
 */
export class MatterLocks {
  private readonly entries = new Map<string, Entry>();
  /** Cached Matter accessories of this platform, by UUID, with the account they came through. */
  private readonly cached = new Map<string, string | undefined>();

  constructor(private readonly deps: MatterDoorLockDeps) {}

  /** A cached accessory Homebridge handed over (configureMatterAccessory). */
  restore(uuid: string, account: string | undefined): void {
    this.cached.set(uuid, account);
  }

  /**
   * After discovery: registers what is new, and unregisters cached accessories whose lock is gone for
   * sure (its account is not configured, or is connected and did not list it). Locks of an account that
   * is down stay cached, so controllers keep their rooms and automations.
   */
  sync(locks: Lock[]): void {
    const seen = new Set<string>();
    for (const lock of locks) {
      if (homeKitKindOf(lock) !== 'lock') continue;
      seen.add(this.upsert(lock));
    }
    const accounts = new Map((this.deps.source()?.accounts() ?? []).map((a) => [a.account, a.state]));
    const gone: string[] = [];
    for (const [uuid, account] of this.cached) {
      if (seen.has(uuid) || this.entries.has(uuid)) continue;
      const state = account ? accounts.get(account) : undefined;
      if (accounts.size > 0 && (state === undefined || state === 'connected')) gone.push(uuid);
    }
    for (const uuid of gone) this.cached.delete(uuid);
    if (gone.length > 0) this.unregister(gone, `${gone.length} cached Matter lock(s) that are gone`);
  }

  /** A new or changed lock. Returns its Matter UUID. */
  upsert(lock: Lock): string {
    const uuid = matterUuid(this.deps.matter, lock);
    if (homeKitKindOf(lock) !== 'lock') {
      this.remove(lock);
      return uuid;
    }
    const shape = MatterDoorLock.shapeOf(lock);
    const entry = this.entries.get(uuid);
    if (entry && entry.shape === shape) {
      this.enqueue(entry, `updating ${lock.name}`, () => entry.door.update(lock));
      return uuid;
    }
    if (entry) this.remove(lock);
    const door = new MatterDoorLock(uuid, lock, this.deps);
    const created: Entry = { door, shape, chain: Promise.resolve() };
    this.entries.set(uuid, created);
    this.enqueue(created, `publishing ${lock.name} over Matter`, async () => {
      await this.deps.matter.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [door.accessory()]);
      this.cached.set(uuid, lock.account);
      await this.onBridge(uuid);
      this.deps.log.info(`${lock.name} is a Matter door lock`);
      await door.update(door.current);
    });
    return uuid;
  }

  remove(lock: Pick<Lock, 'vendor' | 'vendorLockId' | 'name'>): void {
    const uuid = matterUuid(this.deps.matter, lock);
    const entry = this.entries.get(uuid);
    this.cached.delete(uuid);
    if (!entry) return;
    this.entries.delete(uuid);
    this.enqueue(entry, `removing ${lock.name} from Matter`, () =>
      this.deps.matter.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [{ UUID: uuid }]),
    );
  }

  /** Tells every lock of an account again (it came back or went down). */
  refresh(account: string): void {
    for (const entry of this.entries.values()) {
      const lock = entry.door.current;
      if (lock.account === account)
        this.enqueue(entry, `updating ${lock.name}`, () => entry.door.update(lock));
    }
  }

  /**
   * Homebridge 2.1 resolves registerPlatformAccessories when it has emitted the registration, before the
   * endpoint is on the bridge, and drops state updates until then ("accessory is not on this bridge").
   * No event tells when it is there, so this asks (getAccessoryState answers once it is), for a while.
   */
  private async onBridge(uuid: string): Promise<void> {
    const { matter } = this.deps;
    for (
      let waitMs = 20, waited = 0;
      waited < ON_BRIDGE_TIMEOUT_MS;
      waited += waitMs, waitMs = Math.min(waitMs * 2, 1000)
    ) {
      if ((await matter.getAccessoryState(uuid, 'doorLock')) !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
    }
    throw new Error(`the Matter bridge did not take it within ${ON_BRIDGE_TIMEOUT_MS / 1000} s`);
  }

  private unregister(uuids: string[], what: string): void {
    this.deps.matter
      .unregisterPlatformAccessories(
        PLUGIN_NAME,
        PLATFORM_NAME,
        uuids.map((UUID) => ({ UUID })),
      )
      .then(
        () => this.deps.log.info(`Removed ${what}`),
        (err: unknown) => this.deps.log.warn(`Removing ${what}: ${toLockbridgeError(err).message}`),
      );
  }

  private enqueue(entry: Entry, what: string, step: () => Promise<void>): void {
    entry.chain = entry.chain.then(step).catch((err: unknown) => {
      this.deps.log.warn(`Matter: ${what} failed: ${toLockbridgeError(err).message}`);
    });
  }
}
