import assert from 'node:assert/strict';
import {
  matterLockReport,
  parseShadowField,
  parseShadowUpdate,
  ShadowVersionGate,
} from '../../../src/vendors/smartphonekey/shadow';
import type { SpkWebhookEnvelope } from '../../../src/vendors/smartphonekey/types';
import { checkShadowDelivery, matter, webhookExamples } from './documents';

/** The documented Shadow Update example, its placeholders filled with a Matter lock shadow. */
function documented(reported: Record<string, unknown>, version = 42): SpkWebhookEnvelope {
  const example = webhookExamples.shadow_update_envelope as { detail: Record<string, unknown> };
  return {
    id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
    time: '2026-04-30T10:30:00Z',
    region: 'eu-west-1',
    account: '123456789012',
    version: '0',
    resources: [],
    ...(example as object),
    detail: {
      ...example.detail,
      thingName: 'thing-1',
      reportedState: JSON.stringify(reported),
      desiredState: JSON.stringify({}),
      metadata: JSON.stringify({ reported: {} }),
      version,
    },
  } as unknown as SpkWebhookEnvelope;
}

describe('SmartphoneKey shadow (documented Shadow Update, Matter bridge lock shadow)', () => {
  it('fills the documented example validly: stringified state fields, LockStateReported', () => {
    const delivery = documented({ available: true, '1/257/0': 1 });
    checkShadowDelivery(delivery);
    assert.throws(() => checkShadowDelivery(documented({ lockState: 'locked' })), /LockStateReported/);
  });

  it('maps DoorLock LockState 0-3 as the schema enumerates them', () => {
    const lockStates = matter['x-matter-spec']['257/0'].enum ?? {};
    assert.deepEqual(
      Object.entries(lockStates)
        .filter(([, name]) => name !== 'kUnknownEnumValue')
        .map(([value, name]) => [
          name,
          matterLockReport({ available: true, '1/257/0': Number(value) }).state,
        ]),
      [
        ['kNotFullyLocked', 'JAMMED'],
        ['kLocked', 'LOCKED'],
        ['kUnlocked', 'UNLOCKED'],
        ['kUnlatched', 'OPEN'],
      ],
    );
    assert.equal(matterLockReport({ available: true, '1/257/0': 4 }).state, undefined);
  });

  it('reads a stringified reportedState (the documented form) and an object alike', () => {
    const reported = { available: true, '1/257/0': 2, '1/257/3': 1, '1/47/12': 150 };
    const fromString = parseShadowUpdate(documented(reported, 7));
    assert.deepEqual(fromString, {
      thingName: 'thing-1',
      version: 7,
      report: { online: true, state: 'UNLOCKED', door: 'closed', battery: 75, batteryLow: false },
      partnerId: '<tenant-org-id>',
    });
    const asObject = documented(reported, 7);
    asObject.detail.reportedState = reported;
    assert.deepEqual(parseShadowUpdate(asObject), fromString);
  });

  it('takes "n/a" and garbage as "not reported", and never throws', () => {
    assert.deepEqual(parseShadowUpdate(documented({ available: false, '1/257/0': 'n/a' }))?.report, {
      online: false,
    });
    for (const reportedState of ['{not json', '"a string"', '[1,2]', 'null', 42, null, undefined]) {
      const e = documented({});
      e.detail.reportedState = reportedState;
      assert.equal(parseShadowUpdate(e), undefined);
    }
    for (const version of ['42', -1, 1.5, Number.NaN, undefined]) {
      const e = documented({ available: true });
      e.detail.version = version;
      assert.equal(parseShadowUpdate(e), undefined);
    }
    assert.equal(parseShadowField('{"a":1}')?.a, 1);
    assert.equal(parseShadowField({ a: 2 })?.a, 2);
    // The lowest endpoint wins; attributes of other clusters are not the lock state.
    assert.equal(
      matterLockReport({ available: true, '2/257/0': 2, '1/257/0': 1, '1/6/0': 2 }).state,
      'LOCKED',
    );
  });

  it('believes in-order versions, ignores late and absurdly far-ahead ones', () => {
    const gate = new ShadowVersionGate();
    assert.equal(gate.accept('t', 10), true);
    assert.equal(gate.accept('t', 12), true);
    assert.equal(gate.accept('t', 11), false, 'a late delivery');
    assert.equal(gate.accept('t', 12), false, 'a repeat');
    assert.equal(gate.accept('t', 1e12), false, 'a forged far-ahead version');
    assert.equal(gate.accept('t', 13), true, 'the real next version still counts');
    assert.equal(new ShadowVersionGate().accept('t', 1e12), false, 'a forged first delivery');
  });

  it('recovers from one forged version that was taken, and from a recreated shadow', () => {
    const gate = new ShadowVersionGate();
    assert.equal(gate.accept('t', 50_000_000), true, 'plausible as a first delivery');
    // The real shadow is at 42: a few consistent deliveries prove it, so state is not frozen.
    assert.deepEqual(
      [42, 43, 44, 45].map((v) => gate.accept('t', v)),
      [false, false, true, true],
    );
    assert.equal(gate.accept('t', 44), false);
  });
});
