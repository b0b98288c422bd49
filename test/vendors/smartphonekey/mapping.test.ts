import assert from 'node:assert/strict';
import {
  lastOpenAction,
  parseWebhookEnvelope,
  spkLockToDriverLock,
  webhookToPushes,
} from '../../../src/vendors/smartphonekey/mapping';
import { mapSpkError } from '../../../src/vendors/smartphonekey/client';
import type { SpkWebhookEnvelope } from '../../../src/vendors/smartphonekey/types';

const envelope = (source: string, detail: Record<string, unknown>): SpkWebhookEnvelope => ({
  id: 'e1',
  source,
  'detail-type': source === 'spk.api' ? 'LockOpenRequested' : 'Shadow Update',
  time: '2030-01-01T10:00:00.000Z',
  region: 'eu-west-1',
  account: '0',
  version: '0',
  resources: [],
  detail,
});

describe('SmartphoneKey mapping', () => {
  it('maps locks honestly: UNKNOWN unless the shadow said, keys only for OWNER/ADMIN, no codes', () => {
    const accessible = {
      lockId: 7,
      lockName: 'Gate',
      accessLevel: 'USER' as const,
      grantedBy: null,
      expiresAt: null,
    };
    const plain = spkLockToDriverLock({ accessible, push: false });
    assert.equal(plain.status.state, 'UNKNOWN');
    assert.equal(plain.status.online, true);
    assert.deepEqual(plain.capabilities, ['open']);
    assert.equal(plain.codeRules, undefined);
    const owned = spkLockToDriverLock({
      accessible: { ...accessible, accessLevel: 'ADMIN' },
      owned: {
        lockUuid: 'u',
        serialNumber: 'S1',
        thingName: 't',
        online: false,
        keysCount: 3,
        residentCount: 0,
        lastEvent: null,
        lastUpdated: null,
      },
      shadow: { state: 'LOCKED' },
      push: true,
    });
    assert.deepEqual(owned.capabilities, ['open', 'keys', 'push']);
    assert.equal(owned.status.online, false);
    assert.equal(owned.status.state, 'LOCKED');
    assert.equal(owned.serialNumber, 'S1');
    assert.equal(owned.status.keys, 3, 'owned-locks keysCount');
    assert.equal(plain.status.keys, undefined, 'not owned: no count');
    assert.equal(
      spkLockToDriverLock({ accessible: { ...accessible, lockName: '' }, push: false }).name,
      'SmartphoneKey lock 7',
    );
  });

  it('turns LockOpenRequested deliveries into activity for known locks only', () => {
    const e = envelope('spk.api', {
      aggregateId: '101',
      data: { type: 'LockOpenRequested', timestamp: '2030-01-01T09:59:00.000Z' },
    });
    assert.deepEqual(
      webhookToPushes(e, (id) => (id === '101' ? '101' : undefined)),
      [
        {
          type: 'activity',
          vendorLockId: '101',
          action: { action: 'OPEN', how: 'remote', at: '2030-01-01T09:59:00.000Z' },
        },
      ],
    );
    assert.deepEqual(
      webhookToPushes(e, () => undefined),
      [],
    );
    const keyAdded = envelope('spk.api', { aggregateId: '101', data: { type: 'KeyAdded' } });
    assert.deepEqual(
      webhookToPushes(keyAdded, () => '101'),
      [],
    );
    assert.equal(parseWebhookEnvelope({ id: 1 }), undefined);
    assert.ok(parseWebhookEnvelope(e));
  });

  it('finds the newest open in a page of events', () => {
    const ev = (type: string, timestamp: string) => ({
      aggregateType: 'Lock',
      aggregateId: '1',
      version: 1,
      type,
      timestamp,
      orgId: 'o',
      event: { timestamp },
    });
    const action = lastOpenAction([
      ev('LockOpenRequested', '2030-01-01T08:00:00.000Z'),
      ev('KeyAdded', '2030-01-02T00:00:00.000Z'),
      ev('LockOpenRequested', '2030-01-01T09:00:00.000Z'),
    ]);
    assert.equal(action?.at, '2030-01-01T09:00:00.000Z');
    assert.equal(lastOpenAction([]), null);
  });

  it('maps the three error shapes and marks a failed shadow update', () => {
    const req = { method: 'POST' as const, url: '/locks/1/OpenLock' };
    assert.equal(
      mapSpkError(401, { error: 'Unauthorized', message: 'x', code: 401 }, req)?.code,
      'auth_failed',
    );
    assert.equal(
      mapSpkError(403, { success: false, error: 'Forbidden', message: 'no' }, req)?.code,
      'forbidden',
    );
    const nf = mapSpkError(
      404,
      { success: false, errors: [{ code: 'NOT_FOUND', message: 'Lock 1 not found' }] },
      req,
    );
    assert.equal(nf?.code, 'not_found');
    assert.match(nf?.message ?? '', /Lock 1 not found/);
    const shadow = mapSpkError(
      502,
      { error: 'Error', message: 'Failed to update device shadow', code: 502 },
      req,
    );
    assert.equal(shadow?.code, 'vendor_unavailable');
    assert.equal(shadow?.retryable, true);
    assert.deepEqual(
      shadow?.reasons.map((r) => r.code),
      ['shadow_update_failed'],
    );
    assert.equal(mapSpkError(503, {}, req), undefined);
    assert.equal(mapSpkError(429, {}, req), undefined);
  });
});
