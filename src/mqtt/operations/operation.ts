import type { LockSource } from '../../core/lock-source';
import type { IncomingMessage } from '../connection';
import type { CommandGuard } from '../command-guard';
import type { BridgeSettings } from '../settings';
import type { Params } from '../params';

export interface OperationContext {
  source: LockSource;
  settings: BridgeSettings;
  guard: CommandGuard;
  message: IncomingMessage;
}

/** One request operation: `<base>/bridge/request/<name>` -> `<base>/bridge/response/<name>`. */
export type Operation = (params: Params, ctx: OperationContext) => Promise<unknown>;

export type OperationTable = Readonly<Record<string, Operation>>;
