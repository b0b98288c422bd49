import type { CodeValidation, GenerateOptions } from '../core/lock-source';
import type {
  AccessCode,
  AccessCodeInput,
  CodeOperationResult,
  CodeSetInput,
  CodeSetResult,
  Lock,
} from '../core/model';
import type { LockEvent, Unsubscribe } from '../core/events';
import type { Storage } from '../core/storage';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { VendorDriver } from '../vendors/driver';

/** What the hub gives the access-code engine (src/pins). */
export interface CodeServiceDeps {
  /** A lock from the hub's cache; rejects with not_found. */
  getLock(lockId: string): Lock;
  /** The driver behind a lock and the vendor's id for it. */
  driverFor(lockId: string): { driver: VendorDriver; vendorLockId: string };
  /** Code updates pushed by drivers (webhooks, websocket), by Lockbridge lock id. */
  subscribeCodePush(listener: (lockId: string, code: AccessCode) => void): Unsubscribe;
  /** The storage directory root; the journal lives under it. */
  storage: Storage;
  clock: Clock;
  logger: Logger;
  emit(event: LockEvent): void;
  /** How long to wait for a code to be confirmed on the lock. */
  confirmTimeoutMs: number;
}

/**
 * The access-code engine as the hub sees it: rules, generation, confirmation and the journal. Every
 * method rejects with a LockbridgeError (invalid_code with every reason, not_supported, not_found ...).
 */
export interface CodeService {
  /** Resumes pending operations from the journal. */
  start(): Promise<void>;
  /** Stops timers; pending operations stay in the journal. */
  stop(): Promise<void>;
  list(lockId: string): Promise<AccessCode[]>;
  create(lockId: string, input: AccessCodeInput): Promise<CodeOperationResult>;
  update(lockId: string, codeId: string, input: Partial<AccessCodeInput>): Promise<CodeOperationResult>;
  delete(lockId: string, codeId: string): Promise<CodeOperationResult>;
  generate(lockId: string, options?: GenerateOptions): Promise<string>;
  validate(lockId: string, input: AccessCodeInput): Promise<CodeValidation>;
  createSet(input: CodeSetInput): Promise<CodeSetResult>;
  /** Cluster mode: this process took the account; resume its journaled operations. */
  resumeAccount?(account: string): Promise<void>;
  /** Cluster mode: the account went elsewhere; stop its follow-ups at once. */
  releaseAccount?(account: string): void;
}

export type CodeServiceFactory = (deps: CodeServiceDeps) => CodeService;
