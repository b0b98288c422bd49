import * as hap from 'hap-nodejs';
import { within, type Controller } from './hap-client';

/**
 * The Home app's side of the Access Code service, for tests. Its TLV is HAP-NodeJS's own helpers
 * (encode, decodeWithLists), not the plugin's codec: a second, independent reading of the format.
 */
export const ACCESS_CODE = { service: '260', supported: '261', control: '262', state: '263' } as const;

export interface HomeItem {
  identifier?: number;
  code?: string;
  flags?: number;
  status?: number;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export function encodeHomeRequest(operation: number, items: HomeItem[]): Buffer {
  const encoded = items.map((i) => {
    const args: Array<number | Buffer | string> = [];
    if (i.identifier !== undefined) args.push(1, u32(i.identifier));
    if (i.code !== undefined) args.push(2, i.code);
    return args.length > 0 ? hap.encode(args[0] as number, args[1], ...args.slice(2)) : Buffer.alloc(0);
  });
  return encoded.length > 0 ? hap.encode(1, operation, 2, encoded) : hap.encode(1, operation);
}

export function decodeHomeResponse(buffer: Buffer): { operation: number; items: HomeItem[] } {
  const top = hap.decodeWithLists(buffer);
  const op = top[1] as Buffer;
  const raw = top[3];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return {
    operation: op[0],
    items: list.map((b) => {
      const f = hap.decode(b);
      const item: HomeItem = {};
      if (f[1]) item.identifier = hap.readVariableUIntLE(f[1]);
      if (f[2]) item.code = f[2].toString('utf8');
      if (f[3]) item.flags = hap.readVariableUIntLE(f[3]);
      if (f[4]) item.status = f[4][0];
      return item;
    }),
  };
}

/** Writes a request with a write-response (r: true), as the Home app does, and decodes the answer. */
export async function controlPoint(
  controller: Controller,
  id: string,
  operation: number,
  items: HomeItem[] = [],
): Promise<{ operation: number; items: HomeItem[] }> {
  const [aid, iid] = id.split('.').map(Number);
  const value = encodeHomeRequest(operation, items).toString('base64');
  const answer = (await within(
    controller.client.setCharacteristics({ [id]: { value, r: true } }),
    15_000,
    'access-code write',
  )) as unknown as { characteristics: Array<{ aid: number; iid: number; value?: string; status?: number }> };
  const mine = answer.characteristics.find((c) => Number(c.aid) === aid && Number(c.iid) === iid);
  if (!mine) throw new Error('no answer for the control point');
  if (mine.status) throw Object.assign(new Error(`HAP status ${mine.status}`), { hapStatus: mine.status });
  return decodeHomeResponse(Buffer.from(mine.value ?? '', 'base64'));
}
