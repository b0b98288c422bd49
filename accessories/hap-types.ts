import type { API, Characteristic, CharacteristicValue, PlatformAccessory, Service } from 'homebridge';
import type { LockCommand, CommandResult, Lock } from '../src/core/model';
import type { Logger } from '../src/core/logger';

/** HAP as Homebridge hands it to plugins: the only place HAP classes and constants come from. */
export type HAP = API['hap'];
export type { Characteristic, CharacteristicValue, PlatformAccessory, Service };

/** What the services of one accessory know about their lock; implemented by LockAccessory. */
export interface LockHandle {
  readonly hap: HAP;
  readonly log: Logger;
  /** The lock, or throws "No Response" (HapStatusError) when it is unknown, offline or its account is down. */
  available(): Lock;
  /** The lock as last known, without availability checks (undefined until discovery has seen it). */
  known(): Lock | undefined;
  /** Sends a command through the LockSource. Rejects with a LockbridgeError. */
  command(command: LockCommand): Promise<CommandResult>;
}

/** One HAP service of a lock accessory: pushes state changes to HomeKit. */
export interface LockServiceBinding {
  /** Called on every state event and availability change of the lock. */
  update(lock: Lock, reachable: boolean): void;
}

/** Accessory context, persisted by Homebridge with the cached accessory. */
export interface LockAccessoryContext {
  lockId: string;
  vendor: string;
  vendorLockId: string;
  account: string;
}
