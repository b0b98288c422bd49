import { accountOperations } from './accounts';
import { codeOperations } from './codes';
import { lockOperations } from './locks';
import { shareOperations } from './shares';
import type { OperationTable } from './operation';

export type { Operation, OperationContext, OperationTable } from './operation';
export { parseCommandEnvelope } from './locks';

/** Every request operation the bridge answers. */
export const operations: OperationTable = {
  ...lockOperations,
  ...codeOperations,
  ...shareOperations,
  ...accountOperations,
};

export const OPERATION_NAMES = Object.keys(operations);
