import {
  LockbridgeError,
  errorFromJSON,
  toLockbridgeError,
  type ErrorCode,
  type SerializedError,
} from '../../src/core/errors';

/**
 * Errors as a flow sees them. What goes to done(err) is rebuilt from the error's JSON form, because
 * Node-RED copies an error's own `cause` into the Catch node's msg.error and a cause may be a raw
 * vendor error (URL, headers). The copy keeps code, message, reasons, lock and vendor only.
 */
export function flowError(err: unknown, fallback: ErrorCode = 'internal'): LockbridgeError {
  return errorFromJSON(toLockbridgeError(err, fallback).toJSON());
}

export function serialize(err: unknown): SerializedError {
  return toLockbridgeError(err).toJSON();
}

export function invalidInput(message: string): LockbridgeError {
  return new LockbridgeError('invalid_input', message);
}
