import assert from 'node:assert/strict';
import { buildAccountConfig } from '../../nodes/lib/account-config';
import { LockbridgeError } from '../../src/core/errors';

/** Issue 16 item 6 in the Node-RED editor: Yale Home / Yale Global accounts come in with an access token. */
describe('nodes: August/Yale account login fields', () => {
  it('an access token credential is passed on, and validates without identifier or password', () => {
    const config = buildAccountConfig(
      'n1',
      { vendor: 'august', brand: 'yale_global' },
      { accessToken: ' token-from-elsewhere-123 ' },
    );
    assert.equal(config.vendor, 'august');
    if (config.vendor !== 'august') return;
    assert.equal(config.brand, 'yale_global');
    assert.equal(config.accessToken, 'token-from-elsewhere-123');
  });

  it('neither a password nor a token: a typed invalid_config error', () => {
    assert.throws(
      () => buildAccountConfig('n2', { vendor: 'august', brand: 'august' }, {}),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_config',
    );
  });
});
