import { LockbridgeError } from '../../src/core/errors';
import type { LockSource } from '../../src/core/lock-source';
import type { AccountConnection } from './connection';
import { flowError } from './errors';
import { isObj, type Obj } from './messages';
import type { Done, Node, NodeMessage, NodeMessageInFlow, RED, Send } from './red';
import { connectionStatus, errorStatus, noAccountStatus } from './status';

/** A lockbridge-account node as its users see it. */
export interface AccountNode extends Node {
  connection: AccountConnection;
}

export function isAccountNode(node: unknown): node is AccountNode {
  return isObj(node) && isObj((node as Obj).connection) && (node as Obj).type === 'lockbridge-account';
}

/** Finds the account node and mirrors its connection state in this node's status. */
export function bindAccount(RED: RED, node: Node, accountId: unknown): AccountNode | undefined {
  const found = typeof accountId === 'string' && accountId ? RED.nodes.getNode(accountId) : null;
  if (!isAccountNode(found)) {
    node.status(noAccountStatus);
    return undefined;
  }
  const detach = found.connection.watch((view) => node.status(connectionStatus(view)));
  node.on('close', (_removed: boolean, done: () => void) => {
    detach();
    done();
  });
  return found;
}

export async function sourceOf(account: AccountNode | undefined): Promise<LockSource> {
  if (!account) throw new LockbridgeError('invalid_config', 'This node has no lockbridge-account configured');
  return account.connection.source();
}

export interface InputContext {
  msg: NodeMessageInFlow & Obj;
  send: Send;
}

/**
 * The input handler every lockbridge node uses: runs `work`, ends with done() on success, and on
 * failure puts the typed error in msg.error, sends the msg on the error output (when the node has
 * one), shows the reason as status and calls done(err) so Catch nodes see it. Nothing a msg carries
 * can make it throw out of the handler.
 */
export function onInput(
  node: Node,
  work: (ctx: InputContext) => Promise<void>,
  options: { errorOutput?: { index: number; count: number } } = {},
): void {
  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    const ctx: InputContext = { msg: msg as NodeMessageInFlow & Obj, send };
    let result: Promise<void>;
    try {
      result = work(ctx);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      () => done(),
      (err: unknown) => {
        const error = flowError(err);
        try {
          ctx.msg.error = error.toJSON();
          node.status(errorStatus(error.code));
          if (options.errorOutput) {
            const out = new Array<NodeMessage | null>(options.errorOutput.count).fill(null);
            out[options.errorOutput.index] = ctx.msg;
            send(out);
          }
        } finally {
          done(error);
        }
      },
    );
  });
}
