import type { ConnectionView } from './connection';
import type { NodeStatus } from './red';

/** Node-RED's own catalogue keys where one exists, so the editor shows them in the user's language. */
export function connectionStatus(view: ConnectionView): NodeStatus {
  switch (view.state) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' };
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: 'node-red:common.status.connecting' };
    case 'two_factor_required':
      return { fill: 'yellow', shape: 'ring', text: 'two-factor needed' };
    case 'stopped':
      return { fill: 'grey', shape: 'ring', text: 'node-red:common.status.disconnected' };
    case 'error':
      return { fill: 'red', shape: 'ring', text: view.error?.code ?? 'error' };
  }
}

export function busyStatus(text: string): NodeStatus {
  return { fill: 'blue', shape: 'dot', text: text.slice(0, 20) };
}

export function okStatus(text: string): NodeStatus {
  return { fill: 'green', shape: 'dot', text: text.slice(0, 20) };
}

export function errorStatus(code: string): NodeStatus {
  return { fill: 'red', shape: 'ring', text: code.slice(0, 20) };
}

export const noAccountStatus: NodeStatus = { fill: 'red', shape: 'ring', text: 'no account' };
