/**
 * The slice of Node-RED's runtime API these nodes use, from @types/node-red (types only: Node-RED is
 * the host, never a runtime dependency).
 */
import type { NodeAPI, NodeAPISettingsWithData, NodeMessage } from 'node-red';
import type { RuntimeOptions } from '../../src/runtime';

export type { Node, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';

/**
 * Optional `lockbridge` key of Node-RED's settings.js: runtime overrides for embedding and tests
 * (extra vendor drivers, poll and confirmation timings, an access-code engine).
 */
export interface LockbridgeSettings {
  runtime?: Partial<Pick<RuntimeOptions, 'drivers' | 'codeService' | 'hub'>>;
}

export type RED = NodeAPI<NodeAPISettingsWithData & { lockbridge?: LockbridgeSettings; userDir?: string }>;

/** send() and done() as Node-RED >= 1.0 passes them to an input handler. */
export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;
