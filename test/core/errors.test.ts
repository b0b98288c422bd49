import assert from 'node:assert/strict';
import { ERROR_CODES, LockbridgeError, errorFromJSON, toLockbridgeError } from '../../src/core/errors';
import { Redactor, REDACTED } from '../../src/core/redact';
import { MemorySink, RedactingLogger } from '../../src/core/logger';

describe('core: error taxonomy', () => {
  it('has the stable codes the surfaces rely on', () => {
    for (const code of [
      'auth_failed',
      'two_factor_required',
      'forbidden',
      'not_found',
      'rate_limited',
      'vendor_unavailable',
      'lock_offline',
      'lock_busy',
      'jammed',
      'invalid_code',
      'code_conflict',
      'not_supported',
      'timeout',
      'expired',
      'invalid_input',
    ]) {
      assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
    }
  });

  it('round-trips through JSON with its reasons', () => {
    const e = new LockbridgeError('invalid_code', 'Code refused', {
      reasons: [{ code: 'no_zeros', message: 'no zeros' }],
      lockId: 'l1',
    });
    const back = errorFromJSON(JSON.parse(JSON.stringify(e)));
    assert.equal(back.code, 'invalid_code');
    assert.equal(back.reasons[0].code, 'no_zeros');
    assert.equal(back.lockId, 'l1');
    assert.equal(errorFromJSON({ code: 'bogus' }).code, 'internal');
    assert.equal(errorFromJSON(null).code, 'internal');
  });

  it('does not copy foreign messages, which may quote a secret', () => {
    const e = toLockbridgeError(new Error('GET https://x/?token=abc123secret failed'));
    assert.equal(e.code, 'internal');
    assert.ok(!e.message.includes('abc123secret'));
    assert.ok(!JSON.stringify(e).includes('abc123secret'));
  });
});

describe('core: redaction', () => {
  it('removes registered secrets, bearer tokens and values of sensitive keys from text', () => {
    const r = new Redactor();
    r.addSecret('hunter2-password');
    const text = r.text(
      'login with hunter2-password; Authorization: Bearer eyJabc.def.ghi {"pin":"4826","name":"Guest"} code=9911 token=abcd',
    );
    for (const leaked of ['hunter2-password', 'eyJabc.def.ghi', '4826', '9911', 'abcd'])
      assert.ok(!text.includes(leaked), `${leaked} in ${text}`);
    assert.ok(text.includes('Guest'));
    assert.ok(text.includes(REDACTED));
  });

  it('removes sensitive keys from objects, deeply', () => {
    const r = new Redactor();
    const out = r.value({
      user: 'a',
      password: 'p',
      nested: { accessToken: 't', list: [{ pin: '1234', name: 'n' }] },
    }) as Record<string, unknown>;
    assert.deepEqual(out, {
      user: 'a',
      password: REDACTED,
      nested: { accessToken: REDACTED, list: [{ pin: REDACTED, name: 'n' }] },
    });
  });

  it('is applied by the logger every surface uses', () => {
    const sink = new MemorySink();
    const r = new Redactor();
    r.addSecret('seam_apikey_very_secret');
    const log = new RedactingLogger(sink, { redactor: r }).child('seam');
    log.info('using seam_apikey_very_secret for pin=4826');
    assert.equal(sink.lines[0].message, `[seam] using ${REDACTED} for pin=${REDACTED}`);
  });

  it('honours the log level', () => {
    const sink = new MemorySink();
    const log = new RedactingLogger(sink, { level: 'warn' });
    log.info('no');
    log.debug('no');
    log.warn('yes');
    assert.deepEqual(
      sink.lines.map((l) => l.message),
      ['yes'],
    );
  });
});

describe('core: errors across module copies', () => {
  it('recognises a LockbridgeError made by another copy of the module, and keeps subclasses apart', () => {
    // What a second copy of src/core/errors.ts produces: a different class with the shared brand.
    const foreign = Object.assign(new Error('The lock is offline'), {
      code: 'lock_offline',
      [Symbol.for('lockbridge.error')]: true,
    });
    assert.ok(foreign instanceof LockbridgeError);
    const ours = toLockbridgeError(foreign);
    assert.equal(ours.message, 'The lock is offline');
    assert.equal(ours.code, 'lock_offline');
    assert.deepEqual(ours.toJSON(), { code: 'lock_offline', message: 'The lock is offline' });
    class Sub extends LockbridgeError {}
    assert.ok(!(new LockbridgeError('internal', 'x') instanceof Sub));
    assert.ok(new Sub('internal', 'x') instanceof LockbridgeError);
    assert.ok(!(new Error('x') instanceof LockbridgeError));
  });
});
