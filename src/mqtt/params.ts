import { LockbridgeError } from '../core/errors';
import type { Transaction } from './responder';

type Json = Record<string, unknown>;

function bad(message: string): LockbridgeError {
  return new LockbridgeError('invalid_input', message);
}

/**
 * The fields of a request payload, read with types checked. Every failure is an invalid_input error
 * that names the field, never quoting its value (it may be a PIN).
 */
export class Params {
  constructor(
    private readonly raw: Json,
    private readonly path = '',
  ) {}

  /** A JSON object payload; anything else is invalid_input. */
  static parse(payload: Buffer, maxBytes: number): Params {
    if (payload.length > maxBytes) throw bad(`The payload is larger than ${maxBytes} bytes`);
    if (payload.length === 0) return new Params({});
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      throw bad('The payload is not valid JSON');
    }
    if (!isObject(value)) throw bad('The payload must be a JSON object');
    return new Params(value);
  }

  private name(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  private get(field: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.raw, field) ? this.raw[field] : undefined;
  }

  has(field: string): boolean {
    return this.get(field) !== undefined && this.get(field) !== null;
  }

  string(field: string, maxLength = 256): string {
    const v = this.get(field);
    if (typeof v !== 'string' || v.length === 0)
      throw bad(`"${this.name(field)}" must be a non-empty string`);
    if (v.length > maxLength) throw bad(`"${this.name(field)}" is longer than ${maxLength} characters`);
    return v;
  }

  optionalString(field: string, maxLength = 256): string | undefined {
    return this.has(field) ? this.string(field, maxLength) : undefined;
  }

  number(field: string): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`"${this.name(field)}" must be a number`);
    return v;
  }

  optionalInteger(field: string, min: number, max: number): number | undefined {
    if (!this.has(field)) return undefined;
    const v = this.number(field);
    if (!Number.isInteger(v) || v < min || v > max)
      throw bad(`"${this.name(field)}" must be an integer from ${min} to ${max}`);
    return v;
  }

  optionalBoolean(field: string): boolean | undefined {
    if (!this.has(field)) return undefined;
    const v = this.get(field);
    if (typeof v !== 'boolean') throw bad(`"${this.name(field)}" must be true or false`);
    return v;
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const v = this.get(field);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      throw bad(`"${this.name(field)}" must be one of ${values.join(', ')}`);
    return v as T;
  }

  stringArray(field: string, maxItems = 100): string[] {
    const v = this.get(field);
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      v.length > maxItems ||
      !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 256)
    )
      throw bad(`"${this.name(field)}" must be a list of 1 to ${maxItems} strings`);
    return v as string[];
  }

  optionalStringArray(field: string, maxItems = 100): string[] | undefined {
    return this.has(field) ? this.stringArray(field, maxItems) : undefined;
  }

  object(field: string): Params {
    const v = this.get(field);
    if (!isObject(v)) throw bad(`"${this.name(field)}" must be an object`);
    return new Params(v, this.name(field));
  }

  optionalObject(field: string): Params | undefined {
    return this.has(field) ? this.object(field) : undefined;
  }

  /** A time as epoch milliseconds or an ISO 8601 string, returned as epoch milliseconds. */
  optionalTime(field: string): number | undefined {
    if (!this.has(field)) return undefined;
    const v = this.get(field);
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms))
      throw bad(`"${this.name(field)}" must be epoch milliseconds or an ISO 8601 time`);
    return ms;
  }

  /** An ISO 8601 time kept as a string (schedules, shares). */
  isoTime(field: string): string {
    const v = this.string(field, 64);
    if (!Number.isFinite(Date.parse(v))) throw bad(`"${this.name(field)}" must be an ISO 8601 time`);
    return v;
  }

  optionalIsoTime(field: string): string | undefined {
    return this.has(field) ? this.isoTime(field) : undefined;
  }

  /** The caller's transaction: a string or number, echoed; anything else is ignored. */
  transaction(): Transaction | undefined {
    const v = this.get('transaction');
    if (typeof v === 'string' && v.length <= 128) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    return undefined;
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How much of a refused payload is read to find its transaction: well beyond the 64 KB accepted, so
 * an oversized request is still answered with the transaction its sender waits for (MQTT 3.1.1 has no
 * correlation data), yet bounded.
 */
export const TRANSACTION_SCAN_BYTES = 1024 * 1024;

/** The transaction of a payload that could not be taken as a whole, if it is a JSON object at all. */
export function transactionOf(payload: Buffer): Transaction | undefined {
  try {
    return Params.parse(payload, TRANSACTION_SCAN_BYTES).transaction();
  } catch {
    return undefined;
  }
}
