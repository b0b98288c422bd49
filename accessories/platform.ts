import { join } from 'node:path';
import type { API, DynamicPlatformPlugin, Logging, PlatformAccessory, PlatformConfig } from 'homebridge';
import { toLockbridgeError } from '../src/core/errors';
import type { LockEvent, Unsubscribe } from '../src/core/events';
import type { LockSource } from '../src/core/lock-source';
import { RedactingLogger, type Logger } from '../src/core/logger';
import type { Lock } from '../src/core/model';
import { globalRedactor } from '../src/core/redact';
import { FileStorage } from '../src/core/storage';
import type { HAP, LockAccessoryContext } from './hap-types';
import { homebridgeLogSink } from './log-sink';
import { LockAccessory } from './lock-accessory';
import { startLockSource, type StartedSource } from './lock-source-factory';
import { parsePlatformConfig, type PlatformSettings } from './platform-config';
import { PLATFORM_NAME, PLUGIN_NAME, STORAGE_FOLDER } from './settings';
import { hapNameOf } from './state-mapping';
import { homeKitKindOf, skipReason } from './homekit-kind';
import { TwoFactorRelay } from './two-factor/relay';
import { accessCodeSettingsOf } from './access-code/settings';
import { matterApiOf } from './matter/matter-api';
import { MatterLocks } from './matter/matter-locks';
import { MATTER_COMMAND_EXPIRY_MS } from './matter/matter-door-lock';
import { parseMatterSettings } from './matter/matter-settings';

/** What Homebridge 2 hands to configureMatterAccessory (a cached Matter accessory), as far as we read it. */
interface CachedMatterAccessory {
  UUID: string;
  context?: { account?: unknown };
}

/** For tests: another way to start the source (the platform is otherwise constructed by Homebridge). */
export type SourceStarter = typeof startLockSource;

/** The UUID of a lock's accessory: stable across restarts, from the vendor and the vendor's lock id. */
export function accessoryUuid(hap: HAP, lock: Pick<Lock, 'vendor' | 'vendorLockId'>): string {
  return hap.uuid.generate(`lockbridge:${lock.vendor}:${lock.vendorLockId}`);
}

/**
 * The Homebridge dynamic platform. It only wires things: config -> LockSource, discovery -> accessories,
 * events -> accessories. Mapping to HAP lives in LockAccessory and the service classes.
 */
export class LockbridgePlatform implements DynamicPlatformPlugin {
  private readonly log: Logger;
  private readonly hap: HAP;
  private readonly settings: PlatformSettings;
  private readonly accessories = new Map<string, LockAccessory>();
  /** Locks with no remote action, by accessory UUID: logged once, never registered. */
  private readonly skipped = new Set<string>();
  private started?: StartedSource;
  private unsubscribe?: Unsubscribe;
  private relay?: TwoFactorRelay;
  private shuttingDown = false;
  /** Matter door locks (Homebridge 2 with Matter on), beside the HAP accessories. */
  private matter?: MatterLocks;
  /** False when the user turned HAP off while Matter publishes the locks. */
  private hapEnabled = true;

  constructor(
    log: Logging,
    config: PlatformConfig,
    private readonly api: API,
    private readonly startSource: SourceStarter = startLockSource,
  ) {
    this.hap = api.hap;
    this.log = new RedactingLogger(homebridgeLogSink(log), { redactor: globalRedactor });
    this.settings = parsePlatformConfig(config);
    if (this.settings.kind === 'unconfigured') {
      this.log.warn('Lockbridge is not configured: add an account in the plugin settings. Nothing started.');
      return;
    }
    if (this.settings.kind === 'invalid') {
      this.log.error(`Lockbridge did not start: ${this.settings.error.message}`);
      return;
    }
    this.setUpMatter(config);
    api.on('didFinishLaunching', () => {
      this.launch().catch((err) =>
        this.log.error(`Lockbridge failed to start: ${toLockbridgeError(err).message}`),
      );
    });
    api.on('shutdown', () => {
      this.shutdown().catch((err) => this.log.warn(`Stopping Lockbridge: ${toLockbridgeError(err).message}`));
    });
  }

  /** Homebridge hands over every cached accessory before didFinishLaunching. */
  configureAccessory(accessory: PlatformAccessory): void {
    try {
      const cached = accessory as PlatformAccessory<LockAccessoryContext>;
      this.accessories.set(accessory.UUID, this.lockAccessory(cached));
    } catch (err) {
      this.log.error(`Could not restore ${accessory.displayName}: ${toLockbridgeError(err).message}`);
    }
  }

  /** Homebridge 2 hands over every cached Matter accessory before didFinishLaunching. */
  configureMatterAccessory(accessory: CachedMatterAccessory): void {
    const account = accessory.context?.account;
    this.matter?.restore(accessory.UUID, typeof account === 'string' ? account : undefined);
  }

  /** Matter only on Homebridge 2 with `bridge.matter` on; Homebridge 1.x and 2.x without it run as before. */
  private setUpMatter(config: PlatformConfig): void {
    const settings = parseMatterSettings(config);
    const matter = settings.enabled ? matterApiOf(this.api) : undefined;
    if (!matter) {
      if (!settings.hap) this.log.warn('matter.hap is false, but Matter is not on: the HAP accessories stay');
      return;
    }
    this.matter = new MatterLocks({
      matter,
      log: this.log,
      source: () => this.started?.source,
      accountDown: (account) => this.accountDown(account),
      expiryMs: Math.min(MATTER_COMMAND_EXPIRY_MS, this.configuredExpiryMs()),
    });
    this.hapEnabled = settings.hap;
  }

  private configuredExpiryMs(): number {
    const settings = this.settings;
    const seconds =
      settings.kind === 'accounts' || settings.kind === 'mqtt'
        ? settings.config.commands?.expirySeconds
        : undefined;
    return seconds === undefined ? Number.POSITIVE_INFINITY : seconds * 1000;
  }

  private lockAccessory(accessory: PlatformAccessory<LockAccessoryContext>): LockAccessory {
    return new LockAccessory(accessory, {
      hap: this.hap,
      log: this.log,
      source: () => this.started?.source,
      accountDown: (account) => this.accountDown(account),
      accessCodes: this.accessCodes(),
    });
  }

  /** The Access Code service's storage and settings (undefined when Lockbridge is not configured). */
  private accessCodes() {
    if (this.settings.kind !== 'accounts' && this.settings.kind !== 'mqtt') return undefined;
    return {
      storage: new FileStorage(join(this.api.user.storagePath(), STORAGE_FOLDER)),
      settings: accessCodeSettingsOf(this.settings.config.codes),
    };
  }

  private accountDown(account: string): boolean {
    const status = this.started?.source.accounts().find((a) => a.account === account);
    // MQTT sources may not list accounts; then the lock's own `online` decides.
    return status !== undefined && status.state !== 'connected';
  }

  private async launch(): Promise<void> {
    if (this.settings.kind !== 'accounts' && this.settings.kind !== 'mqtt') return;
    const storage = new FileStorage(join(this.api.user.storagePath(), STORAGE_FOLDER));
    const started = await this.startSource(this.settings, {
      storage,
      logger: this.log,
      secretSink: globalRedactor,
    });
    if (this.shuttingDown) {
      await started.stop();
      return;
    }
    this.started = started;
    for (const s of started.sandbox) {
      this.log.info(
        `Sandbox: ${s.vendor} emulator at ${s.url} (fault injection: POST ${s.url}/_emulator/faults)`,
      );
    }
    const source = started.source;
    this.unsubscribe = source.subscribe((event) => this.onEvent(event));
    this.relay = new TwoFactorRelay(storage, source, this.log);
    this.relay.sync();
    const locks = await source.listLocks();
    if (!this.hapEnabled && this.accessories.size > 0) {
      this.log.info('HomeKit (HAP) accessories are off (matter.hap false): removing the cached ones');
      this.remove([...this.accessories.values()], false);
    }
    this.sync(locks, source);
    this.matter?.sync(locks);
    const accounts = source.accounts();
    const shown = locks.filter((l) => homeKitKindOf(l) !== 'none').length;
    const skipped = locks.length - shown;
    this.log.info(
      `Lockbridge is running: ${shown} lock(s) from ${accounts.length} account(s) in Apple Home` +
        (skipped > 0 ? ` (${skipped} without remote action skipped)` : ''),
    );
    if (this.matter) {
      const doorLocks = locks.filter((l) => homeKitKindOf(l) === 'lock').length;
      this.log.info(
        `Matter: ${doorLocks} door lock(s)${this.hapEnabled ? ' beside the HomeKit accessories' : ' (HomeKit accessories off)'}`,
      );
    }
  }

  /** Adds what is new, updates what is known, and unregisters locks that are gone. */
  private sync(locks: Lock[], source: LockSource): void {
    const seen = new Set<string>();
    for (const lock of locks) seen.add(this.upsert(lock));
    const accounts = new Map(source.accounts().map((a) => [a.account, a.state]));
    const stale: LockAccessory[] = [];
    for (const [uuid, accessory] of this.accessories) {
      if (seen.has(uuid)) continue;
      const account = accessory.context?.account;
      const state = account ? accounts.get(account) : undefined;
      // Gone for sure: its account is no longer configured, or it is connected and did not list it.
      // Accounts that are down keep their accessories ("No Response") so rooms and scenes survive.
      if (accounts.size > 0 && (state === undefined || state === 'connected')) stale.push(accessory);
    }
    this.remove(stale);
  }

  private upsert(lock: Lock): string {
    const uuid = accessoryUuid(this.hap, lock);
    if (homeKitKindOf(lock) === 'none') {
      this.skip(uuid, lock);
      return uuid;
    }
    this.skipped.delete(uuid);
    if (!this.hapEnabled) return uuid;
    let accessory = this.accessories.get(uuid);
    if (!accessory) {
      const platformAccessory = new this.api.platformAccessory<LockAccessoryContext>(
        hapNameOf(lock.name),
        uuid,
        this.hap.Categories.DOOR_LOCK,
      );
      platformAccessory.context = {
        lockId: lock.id,
        vendor: lock.vendor,
        vendorLockId: lock.vendorLockId,
        account: lock.account,
      };
      accessory = this.lockAccessory(platformAccessory);
      accessory.update(lock);
      this.accessories.set(uuid, accessory);
      this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [platformAccessory]);
      this.log.info(`Added ${lock.name} (${lock.vendor})`);
    } else {
      accessory.update(lock);
      this.api.updatePlatformAccessories([accessory.accessory]);
    }
    return uuid;
  }

  /**
   * A lock with no remote action gets no accessory: one log line the first time, and a cached accessory
   * (from an older version, or from when the lock could still act) is removed.
   */
  private skip(uuid: string, lock: Lock): void {
    const cached = this.accessories.get(uuid);
    if (cached) this.remove([cached], false);
    if (this.skipped.has(uuid)) return;
    this.skipped.add(uuid);
    this.log.info(cached ? `${skipReason(lock)}; its cached accessory is removed` : skipReason(lock));
  }

  private remove(accessories: LockAccessory[], logGone = true): void {
    if (accessories.length === 0) return;
    for (const a of accessories) {
      a.dispose();
      this.accessories.delete(a.accessory.UUID);
      if (logGone) this.log.info(`Removed ${a.accessory.displayName}: the lock is gone from its account`);
    }
    this.api.unregisterPlatformAccessories(
      PLUGIN_NAME,
      PLATFORM_NAME,
      accessories.map((a) => a.accessory),
    );
  }

  private onEvent(event: LockEvent): void {
    try {
      switch (event.type) {
        case 'lock_added':
          this.upsert(event.lock);
          this.matter?.upsert(event.lock);
          break;
        case 'lock_removed': {
          this.skipped.delete(accessoryUuid(this.hap, event.lock));
          const accessory = this.accessories.get(accessoryUuid(this.hap, event.lock));
          if (accessory) this.remove([accessory]);
          this.matter?.remove(event.lock);
          break;
        }
        // A re-described lock (capabilities) may change kind as a state change may (battery data).
        case 'lock_changed':
        case 'state': {
          const uuid = accessoryUuid(this.hap, event.lock);
          const accessory = this.accessories.get(uuid);
          // New capabilities may change what the lock is in HomeKit: skipped, or added after a skip.
          if (homeKitKindOf(event.lock) === 'none') {
            if (accessory) this.skip(uuid, event.lock);
          } else if (accessory) accessory.update(event.lock);
          else if (this.skipped.has(uuid)) this.upsert(event.lock);
          this.matter?.upsert(event.lock);
          break;
        }
        case 'code':
          for (const accessory of this.accessories.values())
            if (accessory.context?.lockId === event.lockId) accessory.codeEvent(event);
          break;
        case 'account':
          for (const accessory of this.accessories.values()) {
            if (accessory.context?.account === event.status.account) accessory.refresh();
          }
          this.matter?.refresh(event.status.account);
          this.relay?.sync();
          break;
        default:
          break;
      }
    } catch (err) {
      this.log.error(`Handling a ${event.type} event failed: ${toLockbridgeError(err).message}`);
    }
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.relay?.stop();
    for (const accessory of this.accessories.values()) accessory.dispose();
    const started = this.started;
    this.started = undefined;
    if (started) await started.stop();
  }
}
