/**
 * lockbridge-lock: LOCK, UNLOCK, OPEN or STATUS on one lock. The command comes from msg.payload,
 * msg.command or the node; the lock from msg.lock or the node. Output 1: the confirmed new state;
 * output 2 (and Catch nodes): the typed error.
 */
import { LockbridgeError } from '../src/core/errors';
import type { CommandRequest } from '../src/core/model';
import { readCommand, readLockId, str } from './lib/messages';
import { resolveLockId } from './lib/resolve-lock';
import type { Node, NodeDef, RED } from './lib/red';
import { busyStatus, okStatus } from './lib/status';
import { bindAccount, onInput, sourceOf } from './lib/user-node';

interface LockNodeDef extends NodeDef {
  account?: string;
  lock?: string;
  command?: string;
}

const BUSY: Record<string, string> = {
  LOCK: 'locking',
  UNLOCK: 'unlocking',
  OPEN: 'opening',
  STATUS: 'reading',
};

/** msg.timeout: milliseconds the flow is willing to wait for confirmation (1 s .. 5 min). */
function readTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000 || value > 300_000)
    throw new LockbridgeError('invalid_input', 'msg.timeout must be milliseconds between 1000 and 300000');
  return value;
}

export = function register(RED: RED): void {
  function LockbridgeLockNode(this: Node, config: LockNodeDef): void {
    RED.nodes.createNode(this, config);
    setup(this, config);
  }

  function setup(node: Node, config: LockNodeDef): void {
    const account = bindAccount(RED, node, config.account);

    onInput(
      node,
      async ({ msg, send }) => {
        const lockRef = readLockId(msg, config.lock);
        const command = readCommand(msg, config.command);
        const timeoutMs = readTimeout(msg.timeout);
        const source = await sourceOf(account);
        const lockId = await resolveLockId(source, lockRef);
        const request: CommandRequest = {
          lockId,
          command,
          origin: `node-red:${node.id}`,
          transaction: str(msg.transaction) ?? msg._msgid,
        };
        if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
        node.status(busyStatus(BUSY[command]));
        const result = await source.command(request);
        msg.lock = lockId;
        msg.payload = result.status.state;
        msg.result = result;
        if (msg.topic === undefined || msg.topic === '') msg.topic = lockId;
        node.status(okStatus(result.status.state));
        send([msg, null]);
      },
      { errorOutput: { index: 1, count: 2 } },
    );
  }

  RED.nodes.registerType('lockbridge-lock', LockbridgeLockNode);
};
