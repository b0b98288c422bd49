import { strict as assert } from 'node:assert';
import { LockbridgeError } from '../../../src/core/errors';
import { MemoryStorage } from '../../../src/core/storage';
import { codeReasons } from '../../../src/pins';
import type { CodeRules } from '../../../src/core/model';
import { STATUS } from '../../../accessories/access-code/codec';
import { statusOfError, statusOfReasons } from '../../../accessories/access-code/status';
import { AccessCodeStore, homeKitCodeName, identifierInName } from '../../../accessories/access-code/store';
import { holdsHomeKitCodes, supportedConfigurationOf } from '../../../accessories/access-code/eligibility';

const rules: CodeRules = {
  lengths: [4, 5, 6, 7, 8],
  numeric: true,
  maxActive: 100,
  schedules: ['always'],
  constraints: [],
};

/** The engine's own reasons for a code (src/pins), as the Access Code service receives them. */
const refuse = (code: string, r: CodeRules = rules, existing: string[] = []) =>
  new LockbridgeError('invalid_code', 'The code does not fit the lock', {
    reasons: codeReasons(code, r, {
      existing: existing.map((c, i) => ({
        id: `c${i}`,
        lockId: 'l',
        name: '',
        code: c,
        schedule: { kind: 'always' },
        status: 'set',
      })),
    }),
  });

describe('Access Code statuses from the code engine', () => {
  it('maps each engine refusal to its HAP status', () => {
    assert.equal(statusOfError(refuse('123')), STATUS.tooShort);
    assert.equal(statusOfError(refuse('123456789')), STATUS.tooLong);
    assert.equal(statusOfError(refuse('12a4')), STATUS.badCharacter);
    assert.equal(statusOfError(refuse('4821', rules, ['4821'])), STATUS.duplicate);
    assert.equal(
      statusOfError(new LockbridgeError('code_conflict', 'duplicate at the vendor')),
      STATUS.duplicate,
    );
    assert.equal(statusOfError(new LockbridgeError('not_found', 'gone')), STATUS.notFound);
    assert.equal(statusOfError(new LockbridgeError('invalid_input', 'bad')), STATUS.invalidRequest);
    assert.equal(statusOfError(new LockbridgeError('lock_offline', 'offline')), STATUS.unknown);
    assert.equal(statusOfError(new Error('anything else')), STATUS.unknown);
  });

  it('says "maximum exceeded" for a full lock, and prefers what the person can fix first', () => {
    const full = [{ code: 'max_active_reached', message: 'full', detail: { severity: 'error' } }];
    assert.equal(statusOfReasons(full), STATUS.maxCodesExceeded);
    // "1a" is both short and not digits: the character is named first.
    assert.equal(statusOfError(refuse('1a')), STATUS.badCharacter);
  });

  it('answers rules HAP has no word for as an invalid request, and ignores warnings', () => {
    const nuki: CodeRules = { ...rules, lengths: [6], constraints: [{ constraint_type: 'no_zeros' }] };
    assert.equal(statusOfError(refuse('102938', nuki)), STATUS.invalidRequest);
    // 5 digits on a lock that takes 4 or 6: neither too short nor too long.
    assert.equal(statusOfError(refuse('12345', { ...rules, lengths: [4, 6] })), STATUS.invalidRequest);
    const warning = [{ code: 'unknown_constraint', message: 'w', detail: { severity: 'warning' } }];
    assert.equal(statusOfReasons(warning), STATUS.invalidRequest);
  });
});

describe('Access Code service: which locks, and SupportedConfiguration', () => {
  const lock = (r?: CodeRules, caps: string[] = ['lock', 'unlock', 'access_codes']) =>
    ({ capabilities: caps, codeRules: r }) as Parameters<typeof holdsHomeKitCodes>[0];

  it('only on locks that hold digit codes the Home app may choose', () => {
    assert.equal(holdsHomeKitCodes(lock(rules)), true);
    assert.equal(holdsHomeKitCodes(lock(rules, ['lock', 'unlock'])), false, 'no access_codes capability');
    assert.equal(holdsHomeKitCodes(lock(undefined)), false, 'no rules (Unloc, SmartphoneKey)');
    assert.equal(holdsHomeKitCodes(lock({ ...rules, numeric: false })), false);
    assert.equal(holdsHomeKitCodes(lock({ ...rules, canSpecifyCode: false })), false);
    assert.equal(
      holdsHomeKitCodes(lock({ ...rules, constraints: [{ constraint_type: 'cannot_specify_pin_code' }] })),
      false,
    );
  });

  it('takes lengths and the maximum from the rules, with a default when the vendor says nothing', () => {
    assert.deepEqual(supportedConfigurationOf(rules), { minLength: 4, maxLength: 8, maxCodes: 100 });
    assert.deepEqual(supportedConfigurationOf({ ...rules, lengths: [6], maxActive: null }), {
      minLength: 6,
      maxLength: 6,
      maxCodes: 100,
    });
  });
});

describe('Access Code identifiers and ConfigurationState (stored per lock)', () => {
  it('keeps identifiers stable and never reuses one, across a reload', async () => {
    const storage = new MemoryStorage();
    const store = await AccessCodeStore.load(storage, 'seam_lock');
    assert.equal(store.assign('vendor-a'), 1);
    assert.equal(store.assign('vendor-b'), 2);
    assert.equal(store.assign('vendor-a'), 1);
    store.retain(['vendor-b']);
    assert.equal(store.assign('vendor-c'), 3, 'a forgotten code does not free its identifier');
    await store.bump();
    await store.bump();
    const again = await AccessCodeStore.load(storage, 'seam_lock');
    assert.equal(again.identifierOf('vendor-b'), 2);
    assert.equal(again.codeIdOf(3), 'vendor-c');
    assert.equal(again.identifierOf('vendor-a'), undefined);
    assert.equal(again.configurationState, 2);
    assert.equal(again.allocate(), 4);
    assert.doesNotMatch([...storage.files.values()].join(''), /\b\d{4,}\b/, 'no PIN-like value is stored');
  });

  it('gives a code made from the Home app the identifier in its name, answered before the vendor id was known', async () => {
    const store = await AccessCodeStore.load(new MemoryStorage(), 'l');
    const n = store.allocate();
    assert.equal(identifierInName(homeKitCodeName(n)), n);
    store.assign('other');
    assert.equal(store.assign('vendor-x', homeKitCodeName(n)), n);
    assert.equal(identifierInName('Cleaner'), undefined);
  });

  it('wraps ConfigurationState as a u16 and survives a torn file', async () => {
    const storage = new MemoryStorage();
    await storage.write('homekit/access-codes/l.json', JSON.stringify({ configurationState: 65535 }));
    const store = await AccessCodeStore.load(storage, 'l');
    assert.equal(await store.bump(), 0);
    await storage.write('homekit/access-codes/l.json', '{"configurationState": 4');
    assert.equal((await AccessCodeStore.load(storage, 'l')).configurationState, 0);
  });
});
