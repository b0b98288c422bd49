import { LockbridgeError } from '../core/errors';
import type { IncomingMessage } from './connection';
import type { BridgeSettings } from './settings';

/** Requests that change nothing: answering one late does no harm. */
const READS: ReadonlySet<string> = new Set([
  'locks',
  'lock',
  'accounts',
  'codes/list',
  'codes/validate',
  'codes/generate',
  'shares/list',
]);

/**
 * Whether a request the broker held for the bridge (see MqttConnection) may still run. Commands are
 * judged by the CommandGuard (they can carry their own times); reads always run; any other request
 * (a code, a share, a two-factor code) runs only if it was held for less than the maximum command
 * age, or carries an MQTT 5 expiry of its own (the broker dropped it if that ran out).
 */
export function heldRequestRefusal(
  operation: string,
  message: IncomingMessage,
  settings: BridgeSettings,
  now: number,
): LockbridgeError | undefined {
  const since = message.heldSince;
  if (since === undefined || operation === 'command' || READS.has(operation)) return undefined;
  if (message.messageExpiryInterval !== undefined) return undefined;
  if (since === null)
    return new LockbridgeError(
      'expired',
      'The broker held this request from before Lockbridge started, so its age is unknown; send it again',
    );
  if (now - since > settings.maxCommandAgeMs)
    return new LockbridgeError(
      'expired',
      `The broker held this request for more than ${Math.round(settings.maxCommandAgeMs / 1000)} s; send it again`,
    );
  return undefined;
}
