import type {
  AccessCode,
  AccessCodeInput,
  CodeOperationResult,
  CodeSetInput,
  CodeSetResult,
  CommandRequest,
  CommandResult,
  Lock,
  Share,
  ShareRequest,
  ShareResult,
} from './model';
import type { AccountStatus, LockEventListener, Unsubscribe } from './events';
import type { ErrorReason } from './errors';

export interface CodeValidation {
  ok: boolean;
  reasons: ErrorReason[];
}

export interface GenerateOptions {
  length?: number;
  /** Codes that must not be returned, besides those already on the lock. */
  avoid?: string[];
}

/** How a source is doing, for `<base>/bridge/health`: counters since start, and what is waiting now. */
export interface SourceHealth {
  accounts: Array<{
    account: string;
    vendor: string;
    /** Vendor calls attempted, and those that ended in an error answer or a transport failure. */
    vendorCalls: number;
    vendorErrors: number;
    /** Vendor calls waiting for the account's request budget. */
    waitingCalls: number;
  }>;
  /** Lock commands queued or running. */
  commandsQueued: number;
}

/**
 * What Homebridge and Node-RED consume. Two implementations: the in-process LockHub (talks to the
 * vendors) and the MQTT lock source (talks to a running lockbridge daemon). Every method either
 * resolves or rejects with a LockbridgeError; none waits forever.
 */
export interface LockSource {
  start(): Promise<void>;
  stop(): Promise<void>;

  /** Accounts behind this source and how they are doing. */
  accounts(): AccountStatus[];
  /** Completes a login that stopped at `two_factor_required`. */
  submitTwoFactorCode(account: string, code: string): Promise<void>;
  /** Asks the vendor to send a new two-factor code. */
  requestTwoFactorCode(account: string): Promise<void>;

  listLocks(): Promise<Lock[]>;
  /** Rejects with `not_found` for an unknown lock. */
  getLock(lockId: string): Promise<Lock>;
  command(request: CommandRequest): Promise<CommandResult>;

  listCodes(lockId: string): Promise<AccessCode[]>;
  createCode(lockId: string, input: AccessCodeInput): Promise<CodeOperationResult>;
  updateCode(lockId: string, codeId: string, input: Partial<AccessCodeInput>): Promise<CodeOperationResult>;
  deleteCode(lockId: string, codeId: string): Promise<CodeOperationResult>;
  generateCode(lockId: string, options?: GenerateOptions): Promise<string>;
  validateCode(lockId: string, input: AccessCodeInput): Promise<CodeValidation>;
  createCodeSet(input: CodeSetInput): Promise<CodeSetResult>;

  share(request: ShareRequest): Promise<ShareResult>;
  listShares(lockId: string): Promise<Share[]>;

  subscribe(listener: LockEventListener): Unsubscribe;

  /** Counters and queue depths; only where the source talks to vendors itself (the hub). */
  health?(): SourceHealth;
}
