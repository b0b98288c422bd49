import assert from 'node:assert/strict';
import {
  accessCodeFromSeam,
  howFromMethod,
  codeRulesFor,
  codeStatusFromSeam,
  deviceToDriverLock,
  pushesFromEvent,
  scheduleFromSeam,
  scheduleToSeam,
} from '../../../src/vendors/seam/mapping';
import { LockbridgeError } from '../../../src/core/errors';
import type { SeamAccessCode, SeamDevice, SeamEvent } from '../../../src/vendors/seam/types';
import { seamOpenApi } from './openapi-schema';

/** The Nuki device of seam-access-code-requirements.txt (cURL response), verbatim in substance. */
const nuki: SeamDevice = {
  device_id: 'ed4bb795-f29f-43e5-bc0f-35f69f9141b5',
  device_type: 'nuki_lock',
  capabilities_supported: ['access_code', 'lock'],
  properties: {
    locked: false,
    online: true,
    manufacturer: 'nuki',
    battery_level: 0.86,
    keypad_battery: { level: 1 },
    supported_code_lengths: [6],
    has_native_entry_events: true,
    name: 'Office Lock',
    model: { display_name: 'Lock', manufacturer_display_name: 'Nuki' },
    battery: { level: 0.86, status: 'full' },
    code_constraints: [
      { constraint_type: 'cannot_start_with_12' },
      { constraint_type: 'no_zeros' },
      { constraint_type: 'name_length', max_length: 20 },
    ],
    supports_backup_access_code_pool: true,
  },
  location: null,
  connected_account_id: 'cac74c00-443b-440f-820e-e2907277fd9f',
  workspace_id: '398d80b7-3f96-47c2-b85a-6f8ba21d07be',
  created_at: '2023-10-19T04:43:40.852Z',
  errors: [],
  warnings: [],
  is_managed: true,
};

const code = (over: Partial<SeamAccessCode>): SeamAccessCode => ({
  access_code_id: 'ac1',
  device_id: 'd1',
  name: 'Guest',
  code: '4567',
  type: 'ongoing',
  status: 'set',
  is_one_time_use: false,
  is_managed: true,
  errors: [],
  warnings: [],
  created_at: '2030-01-01T00:00:00Z',
  workspace_id: 'w',
  common_code_key: null,
  is_backup_access_code_available: false,
  is_external_modification_allowed: false,
  is_offline_access_code: false,
  ...over,
});

describe('seam mapping', () => {
  it('maps the document Nuki lock, keeping its constraints as they come', () => {
    const lock = deviceToDriverLock(nuki);
    assert.equal(lock.name, 'Office Lock');
    assert.equal(lock.manufacturer, 'Nuki');
    assert.equal(lock.model, 'Lock');
    assert.deepEqual(lock.status, {
      state: 'UNLOCKED',
      door: 'unknown',
      battery: 86,
      batteryLow: false,
      online: true,
      lastAction: null,
    });
    assert.deepEqual(lock.capabilities, [
      'lock',
      'unlock',
      'lock_state',
      'battery',
      'access_codes',
      'access_code_schedules',
      'push',
    ]);
    assert.deepEqual(lock.codeRules?.constraints, nuki.properties.code_constraints);
    assert.deepEqual(lock.codeRules?.lengths, [6]);
    assert.equal(lock.codeRules?.maxActive, null);
  });

  it('keeps unknown constraint types, and reads cannot_specify_pin_code', () => {
    const device: SeamDevice = {
      ...nuki,
      properties: {
        ...nuki.properties,
        max_active_codes_supported: 250,
        code_constraints: [
          { constraint_type: 'future_rule_x', detail: 3 },
          { constraint_type: 'cannot_specify_pin_code' },
        ],
      },
    };
    const rules = codeRulesFor(device);
    assert.deepEqual(rules?.constraints, [
      { constraint_type: 'future_rule_x', detail: 3 },
      { constraint_type: 'cannot_specify_pin_code' },
    ]);
    assert.equal(rules?.canSpecifyCode, false);
    assert.equal(rules?.maxActive, 250);
    assert.equal(codeRulesFor({ ...nuki, capabilities_supported: ['lock'] }), undefined);
  });

  it('reads every constraint type the OpenAPI schema lists', () => {
    // Seam's own document (@seamapi/types), not a copy of ours.
    const schema = {
      components: { schemas: { device: seamOpenApi().pointer('/components/schemas/device') } },
    };
    const text = JSON.stringify(schema.components.schemas.device);
    const types = [...text.matchAll(/"enum":\s*\[([^\]]*)\]/g)]
      .map((m) => m[1])
      .filter((e) => e.includes('no_zeros') || e.includes('name_length'))
      .flatMap((e) => JSON.parse(`[${e}]`) as string[]);
    assert.ok(types.length >= 14, `found ${types.length} constraint types`);
    const device: SeamDevice = {
      ...nuki,
      properties: { ...nuki.properties, code_constraints: types.map((t) => ({ constraint_type: t })) },
    };
    assert.deepEqual(
      codeRulesFor(device)?.constraints.map((c) => c.constraint_type),
      types,
    );
  });

  it('maps Seam code statuses to the core lifecycle', () => {
    const now = Date.parse('2030-06-01T00:00:00Z');
    assert.equal(codeStatusFromSeam(code({ status: 'setting' }), now), 'pending');
    assert.equal(codeStatusFromSeam(code({ status: 'set' }), now), 'set');
    assert.equal(codeStatusFromSeam(code({ status: 'removing' }), now), 'removing');
    assert.equal(codeStatusFromSeam(code({ status: 'unknown' }), now), 'unknown');
    assert.equal(
      codeStatusFromSeam(
        code({
          status: 'unset',
          type: 'time_bound',
          starts_at: '2030-07-01T00:00:00Z',
          ends_at: '2030-07-02T00:00:00Z',
        }),
        now,
      ),
      'pending',
    );
    assert.equal(
      codeStatusFromSeam(
        code({
          status: 'unset',
          type: 'time_bound',
          starts_at: '2030-01-01T00:00:00Z',
          ends_at: '2030-02-01T00:00:00Z',
        }),
        now,
      ),
      'removed',
    );
    assert.equal(
      codeStatusFromSeam(
        code({ status: 'setting', errors: [{ error_code: 'failed_to_set_on_device', message: 'x' }] }),
        now,
      ),
      'failed',
    );
    const mapped = accessCodeFromSeam(
      code({ status: 'setting', errors: [{ error_code: 'failed_to_set_on_device', message: 'x' }] }),
      now,
    );
    assert.deepEqual(mapped.errors, ['failed_to_set_on_device']);
  });

  it('maps schedules both ways, and refuses recurring ones', () => {
    assert.deepEqual(scheduleToSeam(undefined), {});
    assert.deepEqual(scheduleToSeam({ kind: 'always' }), {});
    assert.deepEqual(scheduleToSeam({ kind: 'time_bound', start: 'a', end: 'b' }), {
      starts_at: 'a',
      ends_at: 'b',
    });
    assert.deepEqual(scheduleToSeam({ kind: 'one_time' }), { is_one_time_use: true });
    assert.throws(
      () => scheduleToSeam({ kind: 'one_time', start: 'a' }),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_input',
    );
    assert.throws(
      () => scheduleToSeam({ kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 10 }),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'not_supported',
    );
    assert.deepEqual(scheduleFromSeam(code({ type: 'time_bound', starts_at: 'a', ends_at: 'b' })), {
      kind: 'time_bound',
      start: 'a',
      end: 'b',
    });
    assert.deepEqual(scheduleFromSeam(code({ is_one_time_use: true })), { kind: 'one_time' });
    assert.deepEqual(scheduleFromSeam(code({})), { kind: 'always' });
  });

  it('turns lock and device events into pushes, naming the code but never the PIN', () => {
    const base: SeamEvent = {
      event_id: 'e',
      event_type: '',
      workspace_id: 'w',
      created_at: 'c',
      occurred_at: '2030-01-01T00:00:00Z',
      device_id: 'd1',
    };
    const pushes = pushesFromEvent(
      { ...base, event_type: 'lock.unlocked', method: 'keycode', access_code_id: 'ac1' },
      (id) => (id === 'ac1' ? 'Guest' : undefined),
    );
    assert.deepEqual(pushes[1], {
      type: 'activity',
      vendorLockId: 'd1',
      action: { action: 'UNLOCKED', how: 'keypad', at: '2030-01-01T00:00:00Z', who: 'Guest' },
    });
    assert.equal(
      pushesFromEvent({ ...base, event_type: 'lock.locked', method: 'automatic' })[1].type,
      'activity',
    );
    assert.deepEqual(pushesFromEvent({ ...base, event_type: 'device.disconnected' }), [
      { type: 'status', vendorLockId: 'd1', status: { online: false } },
    ]);
    assert.deepEqual(pushesFromEvent({ ...base, event_type: 'device.low_battery', battery_level: 0.1 }), [
      { type: 'status', vendorLockId: 'd1', status: { battery: 10, batteryLow: true } },
    ]);
    assert.deepEqual(pushesFromEvent({ ...base, event_type: 'device.added' }), [{ type: 'locks_changed' }]);
    assert.deepEqual(pushesFromEvent({ ...base, event_type: 'thermostat.something' }), []);
  });

  it('says how a lock was locked or unlocked for every method Seam documents', () => {
    // ST 1.977.0 (conformance.md 2): keycode, manual, automatic, unknown, remote, card; 1.721.0 has seamapi.
    assert.equal(howFromMethod('keycode'), 'keypad');
    assert.equal(howFromMethod('manual'), 'manual');
    assert.equal(howFromMethod('automatic'), 'auto');
    assert.equal(howFromMethod('remote'), 'remote');
    assert.equal(howFromMethod('seamapi'), 'remote');
    assert.equal(howFromMethod('card'), 'tag');
    assert.equal(howFromMethod('remote', { is_via_bluetooth: true }), 'bluetooth');
    assert.equal(howFromMethod('remote', { is_via_nfc: true }), 'tag');
    assert.equal(howFromMethod('unknown'), 'unknown');
    assert.equal(howFromMethod('toString'), 'unknown');
    assert.equal(howFromMethod(undefined), 'unknown');
    // Every value the pinned document lists is understood (only `unknown` may map to unknown).
    for (const type of ['lock.locked', 'lock.unlocked']) {
      const methods = seamOpenApi().eventEnum(type, 'method');
      assert.ok(methods.length >= 5, `${type}: ${methods.join(',')}`);
      for (const m of methods.filter((x) => x !== 'unknown'))
        assert.notEqual(howFromMethod(m), 'unknown', `${type} method ${m}`);
    }
    const unlocked = pushesFromEvent({
      event_id: 'e',
      event_type: 'lock.unlocked',
      workspace_id: 'w',
      created_at: 'c',
      occurred_at: '2030-01-01T00:00:00Z',
      device_id: 'd1',
      method: 'card',
    });
    assert.deepEqual(unlocked[1], {
      type: 'activity',
      vendorLockId: 'd1',
      action: { action: 'UNLOCKED', how: 'tag', at: '2030-01-01T00:00:00Z' },
    });
  });
});
