import { decodeTlv, decodeUInt, encodeTlv, encodeUInt, separated, TlvError, type TlvItem } from './tlv';

/**
 * The Access Code service's TLV messages (HAP R17 11.175-176 as the ADK's
 * HAPCharacteristicTypes+TLV.h defines them; the same in rednblkx/homekit-lock-access-code README):
 *
 * SupportedConfiguration: 1 character set (1 = digits), 2 minimum length, 3 maximum length,
 *   4 maximum number of codes.
 * Request:  1 operation, then one 2 Request {1 identifier, 2 code} per item, `00 00` between.
 * Response: 1 operation (echoed), then one 3 Response {1 identifier, 2 code, 3 flags, 4 status} per
 *   item, `00 00` between.
 */

export const OPERATION = { list: 1, read: 2, add: 3, update: 4, remove: 5 } as const;
export type OperationName = keyof typeof OPERATION;
export type OperationCode = (typeof OPERATION)[OperationName];

export const STATUS = {
  success: 0,
  unknown: 1,
  maxCodesExceeded: 2,
  tooManyBulkOperations: 3,
  duplicate: 4,
  tooShort: 5,
  tooLong: 6,
  badCharacter: 7,
  invalidRequest: 8,
  notFound: 9,
} as const;
export type StatusName = keyof typeof STATUS;
export type StatusCode = (typeof STATUS)[StatusName];

/** The only character set HAP defines: Arabic numerals. */
export const CHARSET_DIGITS = 1;

const CONFIG = { charset: 1, minLength: 2, maxLength: 3, maxCodes: 4 } as const;
const REQUEST = { operation: 1, request: 2 } as const;
const RESPONSE = { operation: 1, response: 3 } as const;
const ITEM = { identifier: 1, code: 2, flags: 3, status: 4 } as const;

export interface SupportedConfiguration {
  minLength: number;
  maxLength: number;
  maxCodes: number;
}

export interface RequestItem {
  identifier?: number;
  code?: string;
}

export interface ControlPointRequest {
  /** As sent; may be a number no operation has (the service answers it as an invalid request). */
  operation: number;
  items: RequestItem[];
}

export interface ResponseItem {
  identifier?: number;
  code?: string;
  /** "Restrictions" in the ADK; no value is documented, so 0. */
  flags?: number;
  status?: StatusCode;
}

export interface ControlPointResponse {
  operation: number;
  items: ResponseItem[];
}

/** A ControlPoint write that is not a request at all (bad TLV, no operation, a code that is not text). */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

const u8 = (n: number) => Buffer.from([n]);

export function encodeSupportedConfiguration(c: SupportedConfiguration): Buffer {
  return encodeTlv([
    { type: CONFIG.charset, value: u8(CHARSET_DIGITS) },
    { type: CONFIG.minLength, value: u8(c.minLength) },
    { type: CONFIG.maxLength, value: u8(c.maxLength) },
    { type: CONFIG.maxCodes, value: encodeUInt(Math.min(c.maxCodes, 0xffff)) },
  ]);
}

export function decodeSupportedConfiguration(buffer: Buffer): SupportedConfiguration & { charset: number } {
  const items = decodeTlv(buffer);
  const get = (type: number, bytes: number) => {
    const item = items.find((i) => i.type === type);
    if (!item) throw new TlvError(`SupportedConfiguration lacks type ${type}`);
    return decodeUInt(item.value, bytes);
  };
  return {
    charset: get(CONFIG.charset, 1),
    minLength: get(CONFIG.minLength, 1),
    maxLength: get(CONFIG.maxLength, 1),
    maxCodes: get(CONFIG.maxCodes, 2),
  };
}

function encodeItem(item: RequestItem & ResponseItem): Buffer {
  const fields: TlvItem[] = [];
  if (item.identifier !== undefined)
    fields.push({ type: ITEM.identifier, value: encodeUInt(item.identifier) });
  if (item.code !== undefined) fields.push({ type: ITEM.code, value: Buffer.from(item.code, 'utf8') });
  if (item.flags !== undefined) fields.push({ type: ITEM.flags, value: encodeUInt(item.flags) });
  if (item.status !== undefined) fields.push({ type: ITEM.status, value: u8(item.status) });
  return encodeTlv(fields);
}

function decodeItem(value: Buffer): RequestItem & ResponseItem {
  const out: RequestItem & ResponseItem = {};
  for (const f of decodeTlv(value)) {
    if (f.type === ITEM.identifier) out.identifier = decodeUInt(f.value, 4);
    else if (f.type === ITEM.code) {
      const text = f.value.toString('utf8');
      // A code that is not valid UTF-8 comes back with replacement characters: refuse it rather than
      // guess, so "bad character" is answered on what was sent.
      if (!Buffer.from(text, 'utf8').equals(f.value)) throw new TlvError('Code is not UTF-8 text');
      out.code = text;
    } else if (f.type === ITEM.flags) out.flags = decodeUInt(f.value, 4);
    else if (f.type === ITEM.status) out.status = decodeUInt(f.value, 1) as StatusCode;
  }
  return out;
}

function encodeMessage(
  operation: number,
  itemType: number,
  items: Array<RequestItem & ResponseItem>,
): Buffer {
  return encodeTlv([
    { type: 1, value: u8(operation) },
    ...separated(items.map((i) => ({ type: itemType, value: encodeItem(i) }))),
  ]);
}

/** Reads a ControlPoint write. Throws MalformedRequestError when it is not a request. */
export function decodeRequest(buffer: Buffer): ControlPointRequest {
  try {
    const items = decodeTlv(buffer);
    const op = items.find((i) => i.type === REQUEST.operation);
    if (!op || op.value.length !== 1) throw new MalformedRequestError('The request has no operation');
    return {
      operation: op.value[0],
      items: items.filter((i) => i.type === REQUEST.request).map((i) => decodeItem(i.value)),
    };
  } catch (err) {
    if (err instanceof MalformedRequestError) throw err;
    throw new MalformedRequestError(err instanceof Error ? err.message : 'Unreadable request');
  }
}

export function encodeRequest(request: ControlPointRequest): Buffer {
  return encodeMessage(request.operation, REQUEST.request, request.items);
}

export function encodeResponse(response: ControlPointResponse): Buffer {
  return encodeMessage(response.operation, RESPONSE.response, response.items);
}

export function decodeResponse(buffer: Buffer): ControlPointResponse {
  const items = decodeTlv(buffer);
  const op = items.find((i) => i.type === RESPONSE.operation);
  if (!op) throw new TlvError('The response has no operation');
  return {
    operation: decodeUInt(op.value, 1),
    items: items.filter((i) => i.type === RESPONSE.response).map((i) => decodeItem(i.value)),
  };
}

export function isOperation(value: number): value is OperationCode {
  return Object.values(OPERATION).includes(value as OperationCode);
}
