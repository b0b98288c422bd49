import type { AccountConfig } from '../../config/types';
import type { KnownVendor } from '../../core/model';

/**
 * One vendor's part of the sandbox: starts its emulator on 127.0.0.1 with a few demo locks, and
 * returns the account configs that point a driver at it.
 */
export interface SandboxVendor {
  readonly vendor: KnownVendor;
  start(): Promise<{ url: string; accounts: AccountConfig[] }>;
  stop(): Promise<void>;
}
