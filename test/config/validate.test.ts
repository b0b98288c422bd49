import assert from 'node:assert/strict';
import { validateAccount, validateConfig } from '../../src/config/validate';
import { LockbridgeError } from '../../src/core/errors';

function fails(value: unknown): LockbridgeError {
  try {
    validateConfig(value);
  } catch (e) {
    assert.ok(e instanceof LockbridgeError);
    assert.equal(e.code, 'invalid_config');
    return e;
  }
  assert.fail('expected invalid_config');
}

describe('config: validation', () => {
  it('accepts a full configuration', () => {
    const config = validateConfig({
      accounts: [
        {
          vendor: 'august',
          id: 'home',
          brand: 'yale_home',
          identifier: 'email:me@example.com',
          password: 'pw',
        },
        { vendor: 'seam', id: 'rentals', apiKey: 'seam_x' },
        { vendor: 'unloc', id: 'u', clientId: 'c', clientSecret: 's', lockHolderIds: ['lh1'] },
        { vendor: 'smartphonekey', id: 's', apiKey: 'k', userId: 'u1' },
        { vendor: 'sandbox', id: 'demo' },
      ],
      mqtt: { baseTopic: 'locks', homeAssistant: { prefix: 'ha' }, publishCodes: false },
      polling: { intervalSeconds: 30 },
      logLevel: 'debug',
    });
    assert.equal(config.accounts.length, 5);
  });

  it('names every bad field, and never echoes a value', () => {
    const e = fails({
      accounts: [
        { vendor: 'august', id: 'home', brand: 'acme', identifier: 'me', password: 'TOPSECRET', bogus: 1 },
      ],
      mqtt: { url: 'http://nope' },
    });
    assert.match(e.message, /accounts\[0\]\.brand must be one of/);
    assert.match(e.message, /accounts\[0\]\.bogus is not a known setting/);
    assert.match(e.message, /mqtt\.url/);
    assert.ok(!e.message.includes('TOPSECRET'));
  });

  it('names missing required fields per vendor', () => {
    assert.match(
      fails({ accounts: [{ vendor: 'seam', id: 'x' }] }).message,
      /accounts\[0\]\.apiKey is required/,
    );
    assert.match(
      fails({ accounts: [{ vendor: 'unloc', id: 'x', clientId: 'c' }] }).message,
      /clientSecret is required/,
    );
    assert.match(
      fails({ accounts: [{ vendor: 'smartphonekey', id: 'x', userId: 'u' }] }).message,
      /apiKey or jwt/,
    );
    assert.match(
      fails({ accounts: [{ vendor: 'nuki', id: 'x' }] }).message,
      /accounts\[0\]\.vendor must be one of/,
    );
    assert.match(fails({}).message, /accounts is required/);
    assert.match(fails({ accounts: [] }).message, /accounts/);
    assert.match(fails('nope').message, /must be object/);
  });

  it('refuses two accounts with the same id', () => {
    assert.match(
      fails({
        accounts: [
          { vendor: 'sandbox', id: 'a' },
          { vendor: 'sandbox', id: 'a' },
        ],
      }).message,
      /used twice/,
    );
  });

  it('validates one account for the Node-RED and Homebridge surfaces', () => {
    assert.equal(validateAccount({ vendor: 'seam', id: 'x', apiKey: 'k' }).vendor, 'seam');
    assert.throws(() => validateAccount({ vendor: 'seam', id: 'x' }), /apiKey is required/);
    assert.throws(() => validateAccount(null), /vendor must be one of/);
  });
});
