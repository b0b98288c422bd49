import { strict as assert } from 'node:assert';
import * as hap from 'hap-nodejs';
import {
  decodeRequest,
  decodeResponse,
  decodeSupportedConfiguration,
  encodeRequest,
  encodeResponse,
  encodeSupportedConfiguration,
  MalformedRequestError,
  OPERATION,
  STATUS,
} from '../../../accessories/access-code/codec';
import { decodeTlv, decodeUInt, encodeTlv, encodeUInt, TlvError } from '../../../accessories/access-code/tlv';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'ascii').toString('hex');

describe('Access Code TLV codec', () => {
  describe('TLV8', () => {
    it('splits a value over 255 bytes into fragments and joins them again', () => {
      const value = Buffer.alloc(300, 7);
      const bytes = encodeTlv([{ type: 5, value }]);
      assert.equal(bytes.length, 2 + 255 + 2 + 45);
      assert.deepEqual([...bytes.subarray(0, 2)], [5, 255]);
      assert.deepEqual([...bytes.subarray(257, 259)], [5, 45]);
      const back = decodeTlv(bytes);
      assert.equal(back.length, 1);
      assert.ok(back[0].value.equals(value));
      // HAP-NodeJS reads our fragments the same way.
      assert.ok((hap.decode(bytes)[5] as Buffer).equals(value));
    });

    it('keeps items of one type apart when a 00 00 separator stands between them', () => {
      const bytes = hex('01 01 aa 00 00 01 01 bb');
      assert.deepEqual(
        decodeTlv(bytes).map((i) => i.value.toString('hex')),
        ['aa', 'bb'],
      );
    });

    it('refuses a buffer cut short', () => {
      assert.throws(() => decodeTlv(hex('01 05 aa')), TlvError);
      assert.throws(() => decodeTlv(hex('01')), TlvError);
    });

    it('writes integers little-endian in the fewest of 1, 2 or 4 bytes and reads any width', () => {
      assert.equal(encodeUInt(1).toString('hex'), '01');
      assert.equal(encodeUInt(256).toString('hex'), '0001');
      assert.equal(encodeUInt(65536).toString('hex'), '00000100');
      assert.equal(encodeUInt(0xffffffff).toString('hex'), 'ffffffff');
      assert.equal(decodeUInt(hex('01 00 00 00')), 1);
      assert.equal(decodeUInt(hex('01 00 00 00 00 00 00 00')), 1);
      assert.throws(() => decodeUInt(hex('00 00 00 00 01')), TlvError);
      assert.throws(() => encodeUInt(2 ** 32), TlvError);
    });
  });

  describe('messages (byte examples from the reference, section A5)', () => {
    it('encodes the response to Add "1234" exactly', () => {
      const bytes = encodeResponse({
        operation: OPERATION.add,
        items: [{ identifier: 1, code: '1234', flags: 0, status: STATUS.success }],
      });
      assert.equal(
        bytes.toString('hex'),
        hex(`01 01 03 03 0f 01 01 01 02 04 ${ascii('1234')} 03 01 00 04 01 00`).toString('hex'),
      );
    });

    it('separates the responses of a bulk add with 00 00, and HAP-NodeJS reads them as a list', () => {
      const bytes = encodeResponse({
        operation: OPERATION.add,
        items: [
          { identifier: 1, code: '1234', flags: 0, status: STATUS.success },
          { identifier: 2, code: '5678', flags: 0, status: STATUS.duplicate },
        ],
      });
      const expected =
        `01 01 03 03 0f 01 01 01 02 04 ${ascii('1234')} 03 01 00 04 01 00 00 00 ` +
        `03 0f 01 01 02 02 04 ${ascii('5678')} 03 01 00 04 01 04`;
      assert.equal(bytes.toString('hex'), hex(expected).toString('hex'));
      const theirs = hap.decodeWithLists(bytes);
      assert.ok(Array.isArray(theirs[3]));
      assert.equal((theirs[3] as Buffer[]).length, 2);
      assert.deepEqual(
        decodeResponse(bytes).items.map((i) => i.status),
        [0, 4],
      );
    });

    it('reads a bulk request written by HAP-NodeJS encode (the shape the Home app sends)', () => {
      const item = (id: number) => hap.encode(1, Buffer.from([id]));
      const bytes = hap.encode(1, 5, 2, [item(3), item(300 % 256)]);
      const req = decodeRequest(bytes);
      assert.equal(req.operation, OPERATION.remove);
      assert.deepEqual(req.items, [{ identifier: 3 }, { identifier: 44 }]);
    });

    it('round-trips requests with 4-byte identifiers and a List with no items', () => {
      const request = { operation: OPERATION.update, items: [{ identifier: 70000, code: '987654' }] };
      assert.deepEqual(decodeRequest(encodeRequest(request)), request);
      assert.equal(encodeRequest({ operation: OPERATION.list, items: [] }).toString('hex'), '010101');
      assert.deepEqual(decodeRequest(hex('01 01 01')), { operation: 1, items: [] });
    });

    it('answers a List with identifier-only responses', () => {
      const bytes = encodeResponse({
        operation: OPERATION.list,
        items: [{ identifier: 1 }, { identifier: 2 }],
      });
      assert.equal(
        bytes.toString('hex'),
        hex('01 01 01 03 03 01 01 01 00 00 03 03 01 01 02').toString('hex'),
      );
    });

    it('refuses writes that are not requests with a typed error', () => {
      assert.throws(() => decodeRequest(hex('02 01 01')), MalformedRequestError);
      assert.throws(() => decodeRequest(hex('01 02 01 01')), MalformedRequestError);
      assert.throws(() => decodeRequest(hex('01 01 03 02 05 01 01')), MalformedRequestError);
      assert.throws(() => decodeRequest(hex('01 01 03 02 03 02 01 ff')), MalformedRequestError, 'not UTF-8');
    });

    it('encodes SupportedConfiguration: digits, lengths and the maximum of codes', () => {
      const bytes = encodeSupportedConfiguration({ minLength: 4, maxLength: 8, maxCodes: 250 });
      assert.equal(bytes.toString('hex'), hex('01 01 01 02 01 04 03 01 08 04 01 fa').toString('hex'));
      assert.deepEqual(
        decodeSupportedConfiguration(
          encodeSupportedConfiguration({ minLength: 6, maxLength: 6, maxCodes: 1000 }),
        ),
        {
          charset: 1,
          minLength: 6,
          maxLength: 6,
          maxCodes: 1000,
        },
      );
      // More than a u16 can say is capped, never wrapped.
      assert.equal(
        decodeSupportedConfiguration(
          encodeSupportedConfiguration({ minLength: 4, maxLength: 4, maxCodes: 70000 }),
        ).maxCodes,
        0xffff,
      );
    });
  });
});
