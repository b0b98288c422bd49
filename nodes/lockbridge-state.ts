/**
 * lockbridge-state: emits state changes and events (who unlocked, how, when) of one lock or of all
 * locks of an account. An incoming msg asks for the current state (one msg per lock).
 */
import type { LockEvent } from '../src/core/events';
import type { AccessCode, Lock } from '../src/core/model';
import { readLockId, str } from './lib/messages';
import { resolveLockId } from './lib/resolve-lock';
import type { Node, NodeDef, NodeMessage, RED } from './lib/red';
import { okStatus } from './lib/status';
import { bindAccount, onInput, sourceOf } from './lib/user-node';

interface StateNodeDef extends NodeDef {
  account?: string;
  lock?: string;
  /** state: state changes only; activity: who/how/when only; all: also locks added/removed, codes, account. */
  events?: string;
}

/** A code as an event shows it: never the PIN, so debug sidebars and logs stay clean. */
function codeSummary(code: AccessCode): Omit<AccessCode, 'code'> {
  const { code: _pin, ...rest } = code;
  return rest;
}

function eventLockId(event: LockEvent): string | undefined {
  switch (event.type) {
    case 'lock_added':
    case 'lock_changed':
    case 'state':
      return event.lock.id;
    case 'lock_removed':
    case 'activity':
    case 'code':
      return event.lockId;
    case 'account':
      return undefined;
  }
}

function currentMsg(lock: Lock): NodeMessage {
  return {
    topic: lock.id,
    payload: lock.status.state,
    event: 'current',
    lock: lock.id,
    name: lock.name,
    details: { status: lock.status, lock },
  };
}

/** The msg for an event, or undefined when the node's filter drops it. */
function toMsg(event: LockEvent, wanted: string): NodeMessage | undefined {
  if (wanted === 'state' && event.type !== 'state') return undefined;
  if (wanted === 'activity' && event.type !== 'activity') return undefined;
  switch (event.type) {
    case 'state':
      return {
        topic: event.lock.id,
        payload: event.lock.status.state,
        event: 'state',
        lock: event.lock.id,
        name: event.lock.name,
        details: { status: event.lock.status, previous: event.previous, lock: event.lock },
      };
    case 'activity':
      return { topic: event.lockId, payload: event.action, event: 'activity', lock: event.lockId };
    case 'lock_added':
      return { ...currentMsg(event.lock), event: 'lock_added' };
    case 'lock_changed':
      return {
        ...currentMsg(event.lock),
        event: 'lock_changed',
        details: { status: event.lock.status, lock: event.lock, previous: event.previous },
      };
    case 'lock_removed':
      return {
        topic: event.lockId,
        payload: 'REMOVED',
        event: 'lock_removed',
        lock: event.lockId,
        name: event.lock.name,
      };
    case 'code':
      return {
        topic: event.lockId,
        payload: codeSummary(event.code),
        event: 'code',
        lock: event.lockId,
        details: event.result ? { outcome: event.result.outcome, operation: event.result.operation } : {},
      };
    case 'account':
      return {
        topic: event.status.account,
        payload: event.status.state,
        event: 'account',
        details: event.status,
      };
  }
}

export = function register(RED: RED): void {
  function LockbridgeStateNode(this: Node, config: StateNodeDef): void {
    RED.nodes.createNode(this, config);
    setup(this, config);
  }

  function setup(node: Node, config: StateNodeDef): void {
    const account = bindAccount(RED, node, config.account);
    const onlyLock = str(config.lock);
    // The node's lock may be a name: events carry ids, so learn the id once the source is open.
    let onlyId = onlyLock;
    if (onlyLock && account)
      account.connection
        .source()
        .then((source) => resolveLockId(source, onlyLock))
        .then(
          (id) => (onlyId = id),
          () => undefined,
        );
    const wanted = config.events === 'state' || config.events === 'activity' ? config.events : 'all';

    const unsubscribe = account?.connection.subscribe((event) => {
      const id = eventLockId(event);
      if (onlyLock && id !== onlyId && id !== onlyLock) return;
      const msg = toMsg(event, wanted);
      if (!msg) return;
      if (event.type === 'state') node.status(okStatus(`${event.lock.name}: ${event.lock.status.state}`));
      node.send(msg);
    });
    node.on('close', () => unsubscribe?.());

    onInput(node, async ({ msg, send }) => {
      const source = await sourceOf(account);
      const lockId =
        (msg.lock !== undefined && msg.lock !== null) || onlyLock ? readLockId(msg, onlyLock) : undefined;
      const locks = lockId
        ? [await source.getLock(await resolveLockId(source, lockId))]
        : await source.listLocks();
      for (const lock of locks) send(Object.assign(RED.util.cloneMessage(msg), currentMsg(lock)));
    });
  }

  RED.nodes.registerType('lockbridge-state', LockbridgeStateNode);
};
