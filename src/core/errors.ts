/**
 * The error taxonomy. Every failure that reaches a user (a Homebridge log line, a Node-RED Catch node,
 * an MQTT error response, the CLI) is a LockbridgeError with a stable `code`. Messages are written by
 * us, never copied from a request, so they cannot carry a secret; vendor details go through the
 * redactor before they are attached.
 */
export const ERROR_CODES = [
  'auth_failed',
  'two_factor_required',
  'forbidden',
  'not_found',
  'rate_limited',
  'vendor_unavailable',
  'vendor_error',
  'lock_offline',
  'lock_busy',
  'jammed',
  'invalid_code',
  'code_conflict',
  'not_supported',
  'timeout',
  'expired',
  'invalid_input',
  'invalid_config',
  'unauthorized_client',
  'not_ready',
  'shutting_down',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One reason a request was refused, e.g. one broken access-code rule. */
export interface ErrorReason {
  code: string;
  message: string;
  /** Structured detail that is safe to show (never a PIN or secret). */
  detail?: Record<string, unknown>;
}

export interface LockbridgeErrorOptions {
  /** HTTP status the vendor answered with, if any. */
  status?: number;
  vendor?: string;
  lockId?: string;
  /** For rate_limited: how long the caller should wait. */
  retryAfterMs?: number;
  /** Every reason, for errors that have several (access-code validation). */
  reasons?: ErrorReason[];
  /** Whether the caller may retry the same request safely. */
  retryable?: boolean;
  requestId?: string;
  cause?: unknown;
}

/** Marks Lockbridge errors across copies of the module (Node-RED or Homebridge may load two). */
const BRAND = Symbol.for('lockbridge.error');

export class LockbridgeError extends Error {
  /**
   * `instanceof LockbridgeError` holds for errors made by another copy of this module too, so a
   * typed error from a second copy is never mistaken for a foreign one (and its message dropped).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== LockbridgeError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly status?: number;
  readonly vendor?: string;
  readonly lockId?: string;
  readonly retryAfterMs?: number;
  readonly reasons: ErrorReason[];
  readonly retryable: boolean;
  readonly requestId?: string;

  constructor(code: ErrorCode, message: string, options: LockbridgeErrorOptions = {}) {
    super(message);
    this.name = 'LockbridgeError';
    this.code = code;
    this.status = options.status;
    this.vendor = options.vendor;
    this.lockId = options.lockId;
    this.retryAfterMs = options.retryAfterMs;
    this.reasons = options.reasons ?? [];
    this.retryable = options.retryable ?? false;
    this.requestId = options.requestId;
    // The cause is kept off the enumerable properties so JSON output never includes raw vendor data.
    if (options.cause !== undefined)
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }

  /** The shape sent over MQTT, to Node-RED msg.error and to HTTP admin endpoints. */
  toJSON(): SerializedError {
    const out: SerializedError = { code: this.code, message: this.message };
    if (this.reasons.length > 0) out.reasons = this.reasons;
    if (this.lockId) out.lock = this.lockId;
    if (this.vendor) out.vendor = this.vendor;
    if (this.retryAfterMs !== undefined) out.retry_after_ms = this.retryAfterMs;
    return out;
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  reasons?: ErrorReason[];
  lock?: string;
  vendor?: string;
  retry_after_ms?: number;
}

export function isLockbridgeError(value: unknown): value is LockbridgeError {
  return value instanceof LockbridgeError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Rebuilds a LockbridgeError from its JSON form (the MQTT lock source receives errors this way). */
export function errorFromJSON(value: unknown): LockbridgeError {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const code = isErrorCode(v.code) ? v.code : 'internal';
    const message = typeof v.message === 'string' ? v.message : 'Unknown error';
    return new LockbridgeError(code, message, {
      reasons: Array.isArray(v.reasons) ? (v.reasons as ErrorReason[]) : undefined,
      lockId: typeof v.lock === 'string' ? v.lock : undefined,
      vendor: typeof v.vendor === 'string' ? v.vendor : undefined,
      retryAfterMs: typeof v.retry_after_ms === 'number' ? v.retry_after_ms : undefined,
    });
  }
  return new LockbridgeError('internal', 'Unknown error');
}

/**
 * Turns anything thrown into a LockbridgeError. Foreign errors keep only their class name, because
 * their messages may quote a URL with a key in it or a request body with a PIN.
 */
export function toLockbridgeError(err: unknown, fallback: ErrorCode = 'internal'): LockbridgeError {
  if (err instanceof LockbridgeError) {
    if (Object.prototype.isPrototypeOf.call(LockbridgeError.prototype, err)) return err;
    // Made by another copy of this module: rebuild it as ours, keeping only its safe fields.
    const e = err as unknown as Record<string, unknown>;
    return new LockbridgeError(
      isErrorCode(e.code) ? e.code : fallback,
      typeof e.message === 'string' ? e.message : 'Unknown error',
      {
        reasons: Array.isArray(e.reasons) ? (e.reasons as ErrorReason[]) : undefined,
        lockId: typeof e.lockId === 'string' ? e.lockId : undefined,
        vendor: typeof e.vendor === 'string' ? e.vendor : undefined,
        status: typeof e.status === 'number' ? e.status : undefined,
        retryAfterMs: typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined,
        retryable: e.retryable === true,
      },
    );
  }
  const kind = err instanceof Error ? err.name : typeof err;
  return new LockbridgeError(fallback, `Unexpected ${kind}`, { cause: err });
}
