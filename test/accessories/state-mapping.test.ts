import { strict as assert } from 'node:assert';
import { LOCK_STATES, type LockState } from '../../src/core/model';
import {
  currentStateOf,
  firmwareRevisionOf,
  hapNameOf,
  lastKnownActionOf,
  targetStateOf,
} from '../../accessories/state-mapping';
import { parsePlatformConfig } from '../../accessories/platform-config';
import { hap } from '../support/homebridge/fake-api';

const C = hap.Characteristic.LockCurrentState;
const T = hap.Characteristic.LockTargetState;

describe('HAP mapping of the lock model', () => {
  it('maps every lock state to LockCurrentState, JAMMED and UNKNOWN included', () => {
    const expected: Record<LockState, number> = {
      LOCKED: C.SECURED,
      UNLOCKING: C.SECURED,
      UNLOCKED: C.UNSECURED,
      LOCKING: C.UNSECURED,
      OPEN: C.UNSECURED,
      OPENING: C.UNSECURED,
      JAMMED: C.JAMMED,
      UNKNOWN: C.UNKNOWN,
    };
    for (const state of LOCK_STATES) assert.equal(currentStateOf(hap, state), expected[state], state);
  });

  it('derives the target from the state, and none from JAMMED or UNKNOWN', () => {
    assert.equal(targetStateOf(hap, 'LOCKED'), T.SECURED);
    assert.equal(targetStateOf(hap, 'LOCKING'), T.SECURED);
    assert.equal(targetStateOf(hap, 'UNLOCKED'), T.UNSECURED);
    assert.equal(targetStateOf(hap, 'OPEN'), T.UNSECURED);
    assert.equal(targetStateOf(hap, 'JAMMED'), undefined);
    assert.equal(targetStateOf(hap, 'UNKNOWN'), undefined);
  });

  it('maps the last action to LockLastKnownAction', () => {
    const A = hap.Characteristic.LockLastKnownAction;
    const at = '2026-01-01T00:00:00Z';
    assert.equal(lastKnownActionOf(hap, { action: 'UNLOCKED', how: 'keypad', at }), A.UNSECURED_BY_KEYPAD);
    assert.equal(lastKnownActionOf(hap, { action: 'LOCKED', how: 'remote', at }), A.SECURED_REMOTELY);
    assert.equal(
      lastKnownActionOf(hap, { action: 'LOCKED', how: 'auto', at }),
      A.SECURED_BY_AUTO_SECURE_TIMEOUT,
    );
    assert.equal(lastKnownActionOf(hap, { action: 'UNLOCKED', how: 'manual', at }), A.UNSECURED_PHYSICALLY);
    assert.equal(lastKnownActionOf(hap, { action: 'JAMMED', how: 'manual', at }), undefined);
    assert.equal(lastKnownActionOf(hap, null), undefined);
  });

  it('keeps names and firmware in the shapes HAP accepts', () => {
    assert.equal(hapNameOf('Front door (back) #2!'), 'Front door back 2');
    assert.equal(hapNameOf('***'), 'Lock');
    assert.equal(firmwareRevisionOf('v1.2.3-beta4'), '1.2.3');
    assert.equal(firmwareRevisionOf('abc'), undefined);
  });
});

describe('platform block parsing', () => {
  it('is unconfigured without accounts, and for an empty form', () => {
    assert.equal(parsePlatformConfig({ platform: 'Lockbridge' }).kind, 'unconfigured');
    assert.equal(parsePlatformConfig({ platform: 'Lockbridge', accounts: [] }).kind, 'unconfigured');
    assert.equal(parsePlatformConfig(undefined).kind, 'unconfigured');
  });

  it('accepts the mqtt source with a broker URL and names what is missing otherwise', () => {
    const ok = parsePlatformConfig({
      platform: 'Lockbridge',
      source: 'mqtt',
      mqtt: { url: 'mqtt://127.0.0.1:1883', password: 'pw' },
    });
    assert.equal(ok.kind, 'mqtt');
    const missing = parsePlatformConfig({
      platform: 'Lockbridge',
      source: 'mqtt',
      mqtt: { password: 'pw-secret' },
    });
    assert.equal(missing.kind, 'invalid');
    if (missing.kind === 'invalid') {
      assert.match(missing.error.message, /mqtt\.url is required/);
      assert.doesNotMatch(missing.error.message, /pw-secret/);
    }
    assert.equal(parsePlatformConfig({ platform: 'Lockbridge', source: 'cloud' }).kind, 'invalid');
  });

  it('passes everything else to the one config schema', () => {
    const bad = parsePlatformConfig({
      platform: 'Lockbridge',
      accounts: [{ vendor: 'seam', id: 's' }],
      polling: { intervalSeconds: 0 },
    });
    assert.equal(bad.kind, 'invalid');
    if (bad.kind === 'invalid') assert.match(bad.error.message, /apiKey is required/);
  });
});
