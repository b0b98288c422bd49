import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  capabilitiesOf,
  codeRulesFor,
  mapActivity,
  mapLockDetail,
  mapPin,
  mapPinsByState,
  mapPushMessage,
  mapRemoteOperateResult,
  pinFieldsToSchedule,
  scheduleToPinFields,
  splitName,
} from '../../../src/vendors/august/mapping';
import type {
  AugustActivity,
  AugustLockDetail,
  AugustPushMessage,
  AugustRemoteOperateResult,
} from '../../../src/vendors/august/types';
import type { Schedule } from '../../../src/core/model';
import { LockbridgeError } from '../../../src/core/errors';

const AUGUST = join(__dirname, '../../fixtures/august');
const HA = join(__dirname, '../../fixtures/august-ha');
const load = <T>(dir: string, name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const at = '2024-01-01T00:00:00.000Z';

describe('august mapping: lock detail fixtures', () => {
  const files = [
    ...readdirSync(AUGUST)
      .filter((f) => /^(get_lock[._]|lock_with_\w+\.online)/.test(f))
      .map((f) => [AUGUST, f]),
    ...readdirSync(HA)
      .filter((f) => f.startsWith('get_lock.'))
      .map((f) => [HA, f]),
  ];

  it('maps every captured lock detail into a consistent DriverLock', () => {
    assert.equal(files.length, 17);
    for (const [dir, file] of files) {
      const detail = load<AugustLockDetail>(dir, file);
      const lock = mapLockDetail(detail, { manufacturer: 'August' });
      assert.equal(lock.vendorLockId, detail.LockID, file);
      assert.equal(lock.name, detail.LockName, file);
      assert.ok(['LOCKED', 'UNLOCKED', 'UNKNOWN'].includes(lock.status.state), file);
      assert.ok(lock.capabilities.includes('lock') && lock.capabilities.includes('unlock'), file);
      assert.equal(lock.capabilities.includes('open'), detail.Type === 17, file);
      assert.equal(Boolean(lock.codeRules), lock.capabilities.includes('access_codes'), file);
    }
  });

  it('online lock: locked, door closed, battery 88, bridge operative, keypad rules with schedules', () => {
    const lock = mapLockDetail(load(AUGUST, 'get_lock.online.json'), { manufacturer: 'August' });
    assert.deepEqual(lock.status, {
      state: 'LOCKED',
      door: 'closed',
      battery: 88,
      batteryLow: false,
      online: true,
      lastAction: null,
    });
    assert.equal(lock.manufacturer, 'August');
    assert.equal(lock.model, 'AUG-SL02-M02-S02');
    assert.equal(lock.serialNumber, 'X2FSW05DGA');
    assert.equal(lock.firmware, '109717e9-3.0.44-3.0.30');
    assert.ok(lock.capabilities.includes('door_sensor'));
    assert.ok(lock.capabilities.includes('access_code_schedules'));
    assert.deepEqual(lock.codeRules?.schedules, ['always', 'time_bound', 'recurring', 'one_time']);
    assert.equal(lock.codeRules?.maxActive, 240);
    assert.equal(lock.codeRules?.onePerUser, true);
  });

  it('offline lock: unknown state, no battery, offline, no codes', () => {
    for (const dir of [AUGUST, HA]) {
      const lock = mapLockDetail(load(dir, 'get_lock.offline.json'), { manufacturer: 'August' });
      assert.equal(lock.status.state, 'UNKNOWN');
      assert.equal(lock.status.battery, null);
      assert.equal(lock.status.online, false);
      assert.equal(lock.codeRules, undefined);
      assert.ok(!lock.capabilities.includes('battery'));
      assert.equal(lock.firmware, '1.59.0-1.13.2');
    }
  });

  it('DoorSense: init, missing and empty mean no sensor; open is open', () => {
    const init = mapLockDetail(load(AUGUST, 'get_lock.doorsense_init.json'), { manufacturer: 'August' });
    assert.equal(init.status.door, 'unknown');
    assert.ok(!init.capabilities.includes('door_sensor'));
    const disabled = mapLockDetail(load(AUGUST, 'get_lock.online_with_doorsense_disabled.json'), {
      manufacturer: 'x',
    });
    assert.ok(!disabled.capabilities.includes('door_sensor'));
    const missing = mapLockDetail(load(HA, 'get_lock.online_missing_doorsense.json'), { manufacturer: 'x' });
    assert.ok(!missing.capabilities.includes('door_sensor'));
    const open = mapLockDetail(load(AUGUST, 'get_lock.online_with_doorsense.json'), { manufacturer: 'x' });
    assert.equal(open.status.door, 'open');
    assert.equal(open.manufacturer, 'Yale', 'hostLockInfo names the maker');
    const noStatus = mapLockDetail(load(AUGUST, 'get_lock.nostatus_with_doorsense.json'), {
      manufacturer: 'x',
    });
    assert.equal(noStatus.status.state, 'UNKNOWN');
    assert.equal(noStatus.status.online, true);
  });

  it('Type 17 unlatch lock with batteryInfo; Type 1 has no schedules', () => {
    for (const [dir, file] of [
      [AUGUST, 'lock_with_unlatch.online.json'],
      [HA, 'get_lock.online_with_unlatch.json'],
    ]) {
      const detail = load<AugustLockDetail>(dir, file);
      const lock = mapLockDetail(detail, { manufacturer: 'Yale' });
      assert.ok(lock.capabilities.includes('open'));
      assert.equal(lock.status.battery, 61);
      assert.equal(lock.model, 'Type 17');
      assert.equal(lock.manufacturer, 'Yale');
      assert.ok(lock.capabilities.includes('access_code_schedules'));
    }
    const type1 = { ...load<AugustLockDetail>(AUGUST, 'get_lock.online.json'), Type: 1 };
    assert.deepEqual(codeRulesFor(type1).schedules, ['always']);
    assert.ok(!capabilitiesOf(type1).includes('access_code_schedules'));
  });

  it('unlatch: the capabilities flag lock.unlatch first, Type 17 only without it (yalexs lock.py)', () => {
    const type17 = load<AugustLockDetail>(AUGUST, 'lock_with_unlatch.online.json');
    const type2 = load<AugustLockDetail>(AUGUST, 'get_lock.online.json');
    assert.ok(!capabilitiesOf(type17, { capabilities: { lock: { unlatch: false } } }).includes('open'));
    assert.ok(capabilitiesOf(type2, { capabilities: { lock: { unlatch: true } } }).includes('open'));
    assert.ok(capabilitiesOf(type17, { capabilities: { keypad: { pinLengthMax: 6 } } }).includes('open'));
    assert.ok(!capabilitiesOf(type2, { capabilities: { keypad: { pinLengthMax: 6 } } }).includes('open'));
  });

  it('door and lock status strings as yalexs lock.py reads them: Ajar unknown with DoorSense; lock/unlock', () => {
    const base = load<AugustLockDetail>(AUGUST, 'get_lock.online_with_doorsense.json');
    const ajar = mapLockDetail(
      { ...base, LockStatus: { ...base.LockStatus, doorState: 'kAugDoorState_Ajar' } },
      { manufacturer: 'August' },
    );
    assert.equal(ajar.status.door, 'unknown');
    assert.ok(ajar.capabilities.includes('door_sensor'));
    const init = mapLockDetail(
      { ...base, LockStatus: { ...base.LockStatus, doorState: 'kAugDoorState_Init' } },
      { manufacturer: 'August' },
    );
    assert.ok(!init.capabilities.includes('door_sensor'));
    for (const [status, state] of [
      ['lock', 'LOCKED'],
      ['unlock', 'UNLOCKED'],
    ]) {
      const lock = mapLockDetail(
        { ...base, LockStatus: { ...base.LockStatus, status } },
        { manufacturer: 'A' },
      );
      assert.equal(lock.status.state, state, status);
      assert.equal(mapRemoteOperateResult({ status }).state, state, status);
    }
  });

  it('low battery and bridge offline', () => {
    const detail = load<AugustLockDetail>(AUGUST, 'get_lock_v2.online.json');
    const low = mapLockDetail({ ...detail, battery: 0.1 }, { manufacturer: 'August' });
    assert.equal(low.status.batteryLow, true);
    assert.equal(low.status.battery, 10);
    const offline = mapLockDetail(
      { ...detail, Bridge: { ...detail.Bridge, status: { current: 'offline' } } },
      { manufacturer: 'August' },
    );
    assert.equal(offline.status.online, false);
  });

  it('keypad PIN lengths come from capabilities', () => {
    const detail = load<AugustLockDetail>(AUGUST, 'get_lock.online.json');
    assert.deepEqual(
      codeRulesFor(detail, { keypad: { pinLengthMin: 4, pinLengthMax: 8 } }).lengths,
      [4, 5, 6, 7, 8],
    );
    assert.deepEqual(codeRulesFor(detail).lengths, [4, 5, 6]);
  });
});

describe('august mapping: remote operate results', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['lock.json', 'LOCKED', 'closed'],
    ['unlock.json', 'UNLOCKED', 'closed'],
    ['unlatch.json', 'OPEN', 'open'],
    ['lock_without_doorstate.json', 'LOCKED', undefined],
    ['unlock_without_doorstate.json', 'UNLOCKED', undefined],
    // kAugDoorState_Init: DoorSense off.
    ['unlatch_without_doorstate.json', 'OPEN', 'unknown'],
  ];
  for (const [file, state, door] of cases) {
    it(`${file} -> ${state}${door ? `, door ${door}` : ''}`, () => {
      const mapped = mapRemoteOperateResult(load<AugustRemoteOperateResult>(AUGUST, file));
      assert.equal(mapped.state, state);
      assert.equal(mapped.door, door);
    });
  }

  it('jam and unknown static position are jammed; secure mode is locked', () => {
    assert.equal(mapRemoteOperateResult({ status: 'FAILED_BRIDGE_ERROR_LOCK_JAMMED' }).state, 'JAMMED');
    assert.equal(mapRemoteOperateResult({ status: 'kAugLockState_UnknownStaticPosition' }).state, 'JAMMED');
    assert.equal(mapRemoteOperateResult({ status: 'kAugLockState_SecureMode' }).state, 'LOCKED');
    assert.equal(mapRemoteOperateResult({ status: 'something_new' }).state, undefined);
  });
});

describe('august mapping: push messages (pubnub_messages.lock.json)', () => {
  const messages = load<AugustPushMessage[]>(AUGUST, 'pubnub_messages.lock.json');
  const mapped = messages.map((m) => mapPushMessage(m, at));

  it('has the 18 captured messages', () => assert.equal(messages.length, 18));

  it('transitional states are status only', () => {
    assert.deepEqual(mapped[0].status, { state: 'OPENING' });
    assert.deepEqual(mapped[1].status, { state: 'UNLOCKING' });
    assert.deepEqual(mapped[2].status, { state: 'LOCKING' });
    assert.equal(mapped[0].activity, undefined);
  });

  it('a jam is jammed, with an activity', () => {
    assert.equal(mapped[3].status.state, 'JAMMED');
    assert.equal(mapped[3].activity?.action, 'JAMMED');
  });

  it('final states with a caller are activities with who and how', () => {
    assert.deepEqual(mapped[4].activity, { action: 'UNLOCKED', how: 'remote', at });
    assert.deepEqual(mapped[5].status, { state: 'LOCKED', door: 'closed' });
    assert.deepEqual(mapped[5].activity, {
      action: 'LOCKED',
      how: 'app',
      at,
      who: '8918341e-7e68-4079-ad0a-1fa8a45d855b',
    });
    assert.equal(mapped[6].status.door, 'open');
    assert.deepEqual(mapped[13].activity, { action: 'OPEN', how: 'manual', at });
    assert.deepEqual(mapped[14].activity, { action: 'UNLOCKED', how: 'manual', at });
    assert.deepEqual(mapped[15].activity, { action: 'LOCKED', how: 'manual', at });
  });

  it('door and bridge events', () => {
    assert.deepEqual(mapped[8].status, {}, 'DoorStateChanged alone carries no state');
    assert.equal(mapped[8].vendorLockId, 'xxx');
    assert.deepEqual(mapped[9].status, { door: 'unknown' });
    assert.deepEqual(mapped[10].status, { online: false });
    assert.deepEqual(mapped[11].status, { online: true });
  });

  it('a status query result updates state but is no activity; a bridge-offline failure flips online', () => {
    assert.deepEqual(mapped[16].status, { state: 'LOCKED', door: 'closed' });
    assert.equal(mapped[16].activity, undefined);
    assert.equal(mapped[16].vendorLockId, 'AF5EFD84.....');
    assert.deepEqual(mapped[17].status, { online: false });
    assert.equal(mapped[17].vendorLockId, '45E3635D35B9471FAF1218885816E90D');
  });
});

describe('august mapping: activity feed fixtures', () => {
  const one = (dir: string, file: string) => {
    const data = load<AugustActivity | AugustActivity[]>(dir, file);
    return mapActivity(Array.isArray(data) ? data[0] : data);
  };
  const expectLock = (dir: string, file: string, action: string, how: string, who?: string) => {
    const m = one(dir, file);
    assert.ok(m && m.kind === 'lock', file);
    assert.equal(m.action.action, action, file);
    assert.equal(m.action.how, how, file);
    if (who !== undefined) assert.equal(m.action.who, who, file);
  };

  it('older format, told apart by info flags', () => {
    expectLock(AUGUST, 'lock_activity.json', 'LOCKED', 'remote', 'MockHouse House');
    expectLock(AUGUST, 'unlock_activity.json', 'UNLOCKED', 'remote');
    expectLock(AUGUST, 'remote_lock_activity.json', 'LOCKED', 'remote', 'My Name');
    expectLock(AUGUST, 'keypad_lock_activity.json', 'LOCKED', 'keypad');
    expectLock(AUGUST, 'bluetooth_lock_activity.json', 'LOCKED', 'bluetooth');
    expectLock(AUGUST, 'auto_relock_activity.json', 'LOCKED', 'auto');
    expectLock(AUGUST, 'auto_unlock_activity.json', 'UNLOCKED', 'bluetooth');
    expectLock(HA, 'get_activity.jammed.json', 'JAMMED', 'remote');
    expectLock(HA, 'get_activity.locking.json', 'LOCKING', 'remote');
    expectLock(HA, 'get_activity.lock_from_bluetooth.json', 'LOCKED', 'bluetooth');
    expectLock(HA, 'get_activity.lock_from_keypad.json', 'LOCKED', 'keypad');
    expectLock(HA, 'get_activity.lock_from_manual.json', 'LOCKED', 'manual');
    expectLock(HA, 'get_activity.unlock_from_manual.json', 'UNLOCKED', 'manual');
    expectLock(HA, 'get_activity.unlock_from_tag.json', 'UNLOCKED', 'tag', 'Your favorite elven princess');
    const m = one(AUGUST, 'lock_activity.json');
    assert.equal(m?.kind === 'lock' && m.action.at, new Date(1582007218000).toISOString());
  });

  it('v4 format', () => {
    expectLock(AUGUST, 'remote_lock_activity_v4.json', 'LOCKED', 'remote', '89 House');
    expectLock(AUGUST, 'remote_unlock_activity_v4.json', 'UNLOCKED', 'remote');
    expectLock(AUGUST, 'remote_unlock_activity_v4_2.json', 'UNLOCKED', 'remote');
    expectLock(AUGUST, 'remote_unlatch_activity_v4.json', 'OPEN', 'remote');
    expectLock(AUGUST, 'auto_lock_activity.json', 'LOCKED', 'auto');
    expectLock(AUGUST, 'manual_lock_activity.json', 'LOCKED', 'manual');
    expectLock(AUGUST, 'manual_unlock_activity.json', 'UNLOCKED', 'manual');
    expectLock(AUGUST, 'manual_unlatch_activity.json', 'OPEN', 'manual');
    expectLock(AUGUST, 'pin_lock_activity.json', 'LOCKED', 'keypad', 'Sample Person');
    expectLock(AUGUST, 'pin_unlock_activity.json', 'UNLOCKED', 'keypad');
    expectLock(AUGUST, 'pin_unlock_activity_missing_image.json', 'UNLOCKED', 'keypad');
    expectLock(AUGUST, 'pin_unlock_activity_with_image.json', 'UNLOCKED', 'keypad');
    expectLock(AUGUST, 'finger_lock_activity.json', 'LOCKED', 'keypad');
    expectLock(AUGUST, 'finger_unlock_activity.json', 'UNLOCKED', 'keypad');
    expectLock(AUGUST, 'homekey_unlock_activity_v4.json', 'UNLOCKED', 'key');
    expectLock(AUGUST, 'rf_unlock_activity_v4.json', 'UNLOCKED', 'tag');
    expectLock(AUGUST, 'linked_lock_activity.json', 'LOCKED', 'unknown');
    expectLock(AUGUST, 'linked_unlock_activity.json', 'UNLOCKED', 'unknown');
  });

  it('v4 actions without a fixture, named in yalexs activity.py: one-touch, Bluetooth, RF secure', () => {
    const entry = (action: string): AugustActivity => ({
      id: `id-${action}`,
      timestamp: 1665378377000,
      action,
      deviceID: 'L1',
      deviceType: 'lock',
      user: { UserID: 'u1', FirstName: 'Kim', LastName: 'Key' },
    });
    const cases: Array<[string, string, string]> = [
      ['one_touch_lock', 'LOCKED', 'keypad'],
      ['onetouchlock', 'LOCKED', 'keypad'],
      ['ble_unlock', 'UNLOCKED', 'bluetooth'],
      ['ble_unlatch', 'OPEN', 'bluetooth'],
      ['rf_secure', 'LOCKED', 'tag'],
      ['pin_unlatch', 'OPEN', 'keypad'],
    ];
    for (const [action, state, how] of cases) {
      const m = mapActivity(entry(action));
      assert.ok(m && m.kind === 'lock', action);
      assert.equal(m.action.action, state, action);
      assert.equal(m.action.how, how, action);
      assert.equal(m.action.who, 'Kim Key', action);
      assert.equal(m.userId, 'u1', action);
      assert.equal(m.entryId, `id-${action}`, action);
    }
    assert.deepEqual(mapActivity({ ...entry('door_open'), user: undefined }), {
      kind: 'door',
      vendorLockId: 'L1',
      door: 'open',
      at: new Date(1665378377000).toISOString(),
      entryId: 'id-door_open',
    });
  });

  it('door activities and non-lock events', () => {
    assert.deepEqual(one(AUGUST, 'door_open_activity.json'), {
      entryId: 'ActivityId',
      kind: 'door',
      vendorLockId: 'ABC',
      door: 'open',
      at: new Date(1582007219000).toISOString(),
    });
    const closed = one(AUGUST, 'door_closed_activity_wrong_deviceid.json');
    assert.equal(closed?.vendorLockId, 'notABC');
    assert.equal(one(AUGUST, 'lock_accessory_motion_detect.json'), undefined);
    const feed = load<AugustActivity[]>(AUGUST, 'get_house_activities.json').map(mapActivity);
    assert.equal(feed.length, 10);
    assert.ok(feed.every((m) => m !== undefined));
  });
});

describe('august mapping: PINs and schedules', () => {
  it('maps get_pins.json: a one-time PIN with its window, loaded = set', () => {
    const codes = mapPinsByState(load(AUGUST, 'get_pins.json'), 'A6697750D607098BAE8D6BAA11EF8063');
    assert.equal(codes.length, 1);
    assert.deepEqual(codes[0], {
      id: 'c3b3a94f-473z-61a3-a8d1-a6e99482787a',
      lockId: 'A6697750D607098BAE8D6BAA11EF8063',
      name: 'John Doe',
      code: '123456',
      slot: 646545456465161,
      schedule: { kind: 'one_time', start: '2018-01-01T01:01:01.563Z', end: '2018-12-01T01:01:01.563Z' },
      status: 'set',
      userId: 'c3b3a94f-473z-61a3-a8d1-a6e99482787a',
    });
  });

  it('PIN states map to code statuses', () => {
    const base = { userID: 'u', pin: '1234' };
    const status = (s: string) => mapPin(base, 'L', s).status;
    assert.equal(status('created'), 'pending');
    assert.equal(status('loaded'), 'set');
    assert.equal(status('updating'), 'pending');
    assert.equal(status('enabling'), 'pending');
    assert.equal(status('deleting'), 'removing');
    assert.equal(status('disabling'), 'removing');
    assert.equal(status('disabled'), 'unknown');
    assert.deepEqual(mapPin(base, 'L', 'disabled').errors, ['disabled']);
  });

  const roundTrips: Schedule[] = [
    { kind: 'always' },
    { kind: 'time_bound', start: '2030-01-01T10:00:00.000Z', end: '2030-01-05T18:00:00.000Z' },
    { kind: 'recurring', days: ['mo', 'we', 'fr'], startMinute: 8 * 60, endMinute: 17 * 60 + 30 },
    {
      kind: 'recurring',
      days: ['sa', 'su'],
      startMinute: 0,
      endMinute: 1440,
      end: '2031-06-01T00:00:00.000Z',
    },
    { kind: 'one_time' },
    { kind: 'one_time', start: '2030-02-01T00:00:00.000Z', end: '2030-02-02T00:00:00.000Z' },
  ];
  for (const schedule of roundTrips) {
    it(`schedule round trip: ${JSON.stringify(schedule)}`, () => {
      const fields = scheduleToPinFields(schedule);
      assert.deepEqual(pinFieldsToSchedule(fields), schedule);
    });
  }

  it('schedule fields follow the documented forms', () => {
    assert.deepEqual(scheduleToPinFields(roundTrips[2]), {
      accessType: 'recurring',
      accessTimes: 'STARTSEC=28800;ENDSEC=63000',
      accessRecurrence: 'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    });
    assert.equal(
      scheduleToPinFields(roundTrips[3]).accessRecurrence,
      'FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20310601T000000Z',
    );
    assert.deepEqual(scheduleToPinFields(roundTrips[1]), {
      accessType: 'temporary',
      accessTimes: 'DTSTART=2030-01-01T10:00:00.000Z;DTEND=2030-01-05T18:00:00.000Z',
    });
  });

  it('reads the DTSTART recurring form, epoch STARTSEC temporaries and the legacy one-time spelling', () => {
    assert.deepEqual(
      pinFieldsToSchedule({
        accessType: 'recurring',
        accessTimes: 'DTSTART=2030-01-01T09:15:00.000Z',
        accessRecurrence: 'FREQ=WEEKLY;BYDAY=TU',
      }),
      { kind: 'recurring', days: ['tu'], startMinute: 555, endMinute: 615 },
    );
    assert.deepEqual(
      pinFieldsToSchedule({ accessType: 'temporary', accessTimes: 'STARTSEC=1893456000;ENDSEC=1893542400' }),
      {
        kind: 'time_bound',
        start: '2030-01-01T00:00:00.000Z',
        end: '2030-01-02T00:00:00.000Z',
      },
    );
    assert.equal(pinFieldsToSchedule({ accessType: 'one-time' }).kind, 'one_time');
  });

  it('rejects schedules August cannot hold, with typed errors', () => {
    const bad = (s: Schedule, code: string) =>
      assert.throws(
        () => scheduleToPinFields(s, Date.parse('2025-01-01')),
        (e: unknown) => e instanceof LockbridgeError && e.code === code,
      );
    bad({ kind: 'time_bound', start: 'soon', end: '2030-01-01T00:00:00Z' }, 'invalid_input');
    bad({ kind: 'time_bound', start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' }, 'invalid_input');
    bad({ kind: 'recurring', days: [], startMinute: 0, endMinute: 60 }, 'invalid_input');
    bad({ kind: 'recurring', days: ['mo'], startMinute: 60, endMinute: 60 }, 'invalid_input');
    bad(
      { kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 60, start: '2030-01-01T00:00:00Z' },
      'not_supported',
    );
  });

  it('splits names for firstName/lastName', () => {
    assert.deepEqual(splitName('  Ada   Lovelace King '), { firstName: 'Ada', lastName: 'Lovelace King' });
    assert.deepEqual(splitName('Cleaner'), { firstName: 'Cleaner', lastName: '' });
  });
});
