import assert from 'node:assert/strict';
import { svixSign, verifySvix } from '../../../src/vendors/seam/svix';
import { svixSignature } from '../../../src/emulators/seam/webhooks';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const body = '{"event_id":"e1","event_type":"lock.locked"}';
const now = 1_900_000_000_000;
const ts = String(now / 1000);

describe('seam svix signatures', () => {
  it('accepts what the emulator signs (two independent implementations agree)', () => {
    const sig = svixSignature(secret, 'msg_1', Number(ts), body);
    assert.equal(sig, `v1,${svixSign(secret, 'msg_1', ts, body)}`);
    assert.deepEqual(verifySvix(secret, { id: 'msg_1', timestamp: ts, signature: sig }, body, now, 300), {
      ok: true,
    });
    // Svix may send several signatures (key rotation); any valid v1 entry passes.
    assert.deepEqual(
      verifySvix(secret, { id: 'msg_1', timestamp: ts, signature: `v1,AAAA ${sig}` }, body, now, 300),
      { ok: true },
    );
  });

  it('refuses tampering, other secrets, stale or future timestamps and missing headers', () => {
    const sig = svixSignature(secret, 'msg_1', Number(ts), body);
    const check = (h: { id?: string; timestamp?: string; signature?: string }, b = body, at = now) =>
      verifySvix(secret, h, b, at, 300);
    assert.deepEqual(check({ id: 'msg_1', timestamp: ts, signature: sig }, body + ' '), {
      ok: false,
      reason: 'bad_signature',
    });
    assert.deepEqual(check({ id: 'msg_2', timestamp: ts, signature: sig }), {
      ok: false,
      reason: 'bad_signature',
    });
    assert.deepEqual(
      check({
        id: 'msg_1',
        timestamp: ts,
        signature: svixSignature('whsec_b3RoZXI=', 'msg_1', Number(ts), body),
      }),
      {
        ok: false,
        reason: 'bad_signature',
      },
    );
    assert.deepEqual(check({ id: 'msg_1', timestamp: ts, signature: sig }, body, now + 301_000), {
      ok: false,
      reason: 'too_old',
    });
    assert.deepEqual(check({ id: 'msg_1', timestamp: ts, signature: sig }, body, now - 301_000), {
      ok: false,
      reason: 'too_new',
    });
    assert.deepEqual(check({ id: 'msg_1', timestamp: 'soon', signature: sig }), {
      ok: false,
      reason: 'bad_timestamp',
    });
    assert.deepEqual(check({ id: 'msg_1', timestamp: ts }), { ok: false, reason: 'missing_headers' });
    assert.deepEqual(check({ id: 'msg_1', timestamp: ts, signature: 'v2,xyz' }), {
      ok: false,
      reason: 'bad_signature',
    });
  });
});
