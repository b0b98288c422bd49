/**
 * TLV8 as HAP uses it: one byte type, one byte length, up to 255 bytes of value. A longer value is
 * split into consecutive items of the same type, and a reader joins consecutive items of one type
 * again; so two separate items of the same type (a list) need a separator between them, the empty
 * item `00 00`. Integers are little-endian in the fewest of 1, 2, 4 or 8 bytes.
 *
 * Written here rather than taken from HAP-NodeJS (`encode`, `decodeWithLists`): the plugin never
 * imports hap-nodejs (Homebridge hands it `api.hap`, a different copy on each runtime line), and a
 * pure module can be tested on bytes alone. The unit tests check it against HAP-NodeJS's helpers.
 */

export const SEPARATOR_TYPE = 0x00;
const MAX_FRAGMENT = 255;

export interface TlvItem {
  type: number;
  value: Buffer;
}

/** A TLV8 buffer that cannot be read (cut short, or a value of the wrong size). */
export class TlvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlvError';
  }
}

/** Items to bytes; values over 255 bytes become fragments. Separators are items of type 0, empty. */
export function encodeTlv(items: readonly TlvItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const { type, value } of items) {
    if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new TlvError(`Bad TLV type ${type}`);
    if (value.length === 0) {
      parts.push(Buffer.from([type, 0]));
      continue;
    }
    for (let offset = 0; offset < value.length; offset += MAX_FRAGMENT) {
      const chunk = value.subarray(offset, offset + MAX_FRAGMENT);
      parts.push(Buffer.from([type, chunk.length]), chunk);
    }
  }
  return Buffer.concat(parts);
}

/** Items with their separator between repeated ones: `items(a, b)` -> a, 00 00, b. */
export function separated(items: readonly TlvItem[]): TlvItem[] {
  const out: TlvItem[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push({ type: SEPARATOR_TYPE, value: Buffer.alloc(0) });
    out.push(item);
  });
  return out;
}

/**
 * Bytes to items, in order: fragments joined into one value, separators dropped (they only end the
 * item before them). Throws TlvError on a buffer cut short.
 */
export function decodeTlv(buffer: Buffer): TlvItem[] {
  const items: TlvItem[] = [];
  let previous: { type: number; chunks: Buffer[]; lastLength: number } | undefined;
  const flush = () => {
    if (previous) items.push({ type: previous.type, value: Buffer.concat(previous.chunks) });
    previous = undefined;
  };
  let offset = 0;
  while (offset < buffer.length) {
    if (offset + 2 > buffer.length) throw new TlvError('TLV item cut short (no length byte)');
    const type = buffer[offset];
    const length = buffer[offset + 1];
    const end = offset + 2 + length;
    if (end > buffer.length) throw new TlvError('TLV value cut short');
    const value = buffer.subarray(offset + 2, end);
    offset = end;
    if (type === SEPARATOR_TYPE && length === 0) {
      flush();
      continue;
    }
    // A continuation follows a full fragment of the same type; anything else starts a new item.
    if (previous && previous.type === type && previous.lastLength === MAX_FRAGMENT) {
      previous.chunks.push(value);
      previous.lastLength = length;
      continue;
    }
    flush();
    previous = { type, chunks: [value], lastLength: length };
  }
  flush();
  return items;
}

/** An unsigned integer in the fewest of 1, 2, 4 bytes (little-endian). */
export function encodeUInt(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new TlvError(`Not an unsigned 32-bit integer: ${value}`);
  if (value <= 0xff) return Buffer.from([value]);
  if (value <= 0xffff) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value);
    return b;
  }
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

/** Reads a little-endian unsigned integer of 1 to 8 bytes that fits in `maxBytes` bytes. */
export function decodeUInt(value: Buffer, maxBytes = 4): number {
  if (value.length === 0 || value.length > 8) throw new TlvError('Integer of a wrong size');
  let out = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    if (i >= maxBytes && value[i] !== 0) throw new TlvError(`Integer larger than ${maxBytes} bytes`);
    out = out * 256 + value[i];
  }
  return out;
}
