import type {
  AccessCode,
  AccessCodeInput,
  Capability,
  CodeRules,
  LastAction,
  LockCommand,
  LockStatus,
  Share,
  ShareRequest,
  ShareResult,
  VendorId,
} from '../core/model';
import type { Logger } from '../core/logger';
import type { Storage } from '../core/storage';
import type { Redactor } from '../core/redact';
import type { Clock } from '../core/clock';
import type { CommandDeadline } from '../core/deadline';
import type { RequestBudget } from '../http/budget';
import type { Unsubscribe } from '../core/events';
import type { AccountConfig } from '../config/types';

/** A lock as a driver reports it; the hub adds the Lockbridge id and account. */
export interface DriverLock {
  vendorLockId: string;
  name: string;
  manufacturer: string;
  model: string;
  serialNumber?: string;
  firmware?: string;
  capabilities: Capability[];
  codeRules?: CodeRules;
  status: Omit<LockStatus, 'updatedAt'> & { updatedAt?: string };
}

/** What a command did at the vendor. */
export interface DriverCommandOutcome {
  /**
   * The status the vendor answered with, when its answer is authoritative (August sync remote
   * operate, Seam action attempt success). Undefined when the hub must confirm by push or read-back.
   */
  status?: Omit<LockStatus, 'updatedAt'> & { updatedAt?: string };
  /** For momentary opens (SmartphoneKey): the vendor accepted and there is no state to read back. */
  momentary?: boolean;
}

export interface CommandOptions {
  /** Aborted at the command's deadline, on its timeout, or at shutdown. */
  signal: AbortSignal;
  /**
   * The command's deadline. The driver passes it on the request that acts (HttpRequest.deadline) and
   * checks it before every wait of its own (re-login, busy retry): nothing is sent after it.
   */
  deadline: CommandDeadline;
  /** One id per user request: a driver that retries sends the same one, so nothing runs twice. */
  requestId: string;
}

/** Push updates from a vendor (webhooks, websocket, event polling). */
export type DriverPush =
  | { type: 'status'; vendorLockId: string; status: Partial<Omit<LockStatus, 'updatedAt'>> }
  | { type: 'activity'; vendorLockId: string; action: LastAction }
  | { type: 'code'; vendorLockId: string; code: AccessCode }
  /** The set of locks may have changed: the hub re-lists. */
  | { type: 'locks_changed' };

export interface CodeDriver {
  list(vendorLockId: string): Promise<AccessCode[]>;
  /** Sends the create; the returned code may still be pending on the lock. */
  create(vendorLockId: string, input: AccessCodeInput & { code: string }): Promise<AccessCode>;
  update(vendorLockId: string, codeId: string, input: Partial<AccessCodeInput>): Promise<AccessCode>;
  delete(vendorLockId: string, codeId: string): Promise<void>;
  /** Vendor-side generation, where the vendor offers it (Seam generate_code). */
  generate?(vendorLockId: string): Promise<string>;
}

export interface ShareDriver {
  share(vendorLockId: string, request: ShareRequest): Promise<ShareResult>;
  list(vendorLockId: string): Promise<Share[]>;
}

/**
 * What the hub needs from a vendor account. One driver per configured account. A capability the
 * vendor lacks answers with a `not_supported` error, never a silent no-op.
 */
export interface VendorDriver {
  readonly vendor: VendorId;
  readonly account: string;

  /** Logs in (may reject with `two_factor_required`) and opens push channels. */
  start(): Promise<void>;
  /** Closes every socket and timer the driver opened. */
  stop(): Promise<void>;

  /** All locks of the account, in as few vendor calls as the API allows (ideally one). */
  listLocks(): Promise<DriverLock[]>;
  /** One lock, for read-back after a command. */
  getLock(vendorLockId: string): Promise<DriverLock>;
  command(vendorLockId: string, command: LockCommand, options: CommandOptions): Promise<DriverCommandOutcome>;

  /** Push updates; absent when the vendor has none (the hub then only polls). */
  onPush?(listener: (push: DriverPush) => void): Unsubscribe;

  codes?: CodeDriver;
  shares?: ShareDriver;

  /** Two-factor login, where the vendor has it. */
  requestTwoFactorCode?(): Promise<void>;
  submitTwoFactorCode?(code: string): Promise<void>;
}

/** Everything a driver gets from the hub: injected, never global. */
export interface DriverContext {
  logger: Logger;
  /** The account's own folder in the storage directory (tokens live here, never in the config). */
  storage: Storage;
  redactor: Redactor;
  budget: RequestBudget;
  clock: Clock;
}

export type DriverFactory = (account: AccountConfig, context: DriverContext) => VendorDriver;
