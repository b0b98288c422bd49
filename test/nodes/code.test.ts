import assert from 'node:assert/strict';
import type { TestVendorEmulator } from '../support/test-vendor/emulator';
import {
  collect,
  coreNode,
  helper,
  lockbridgeNodes,
  logText,
  nextMsg,
  startServer,
  stopServer,
  type Msg,
} from './support/harness';
import {
  accountReady,
  nodes,
  startTestVendor,
  testVendorAccount,
  useSettings,
  wiredFlow,
} from './support/fixtures';

describe('nodes: lockbridge-code (test vendor + access-code engine)', function () {
  let emulator: TestVendorEmulator;
  let settings: { remove(): void };

  before(startServer);
  after(stopServer);
  beforeEach(async () => {
    emulator = await startTestVendor();
    settings = useSettings();
  });
  afterEach(async () => {
    await helper.unload();
    await emulator.stop();
    settings.remove();
  });

  async function deploy(props: Record<string, unknown> = {}): Promise<void> {
    const account = testVendorAccount(emulator);
    await helper.load(
      [...lockbridgeNodes(), coreNode('common/25-catch.js'), coreNode('common/24-complete.js')],
      [
        account.node,
        ...wiredFlow(
          {
            id: 'n1',
            type: 'lockbridge-code',
            account: 'acc',
            lock: 'testvendor_front',
            action: '',
            ...props,
          },
          2,
        ),
      ],
      account.credentials,
    );
    await accountReady();
  }

  async function run(msg: object): Promise<{ out: 'ok' | 'err'; msg: Msg }> {
    const { ok, err } = nodes();
    const got = Promise.race([
      nextMsg(ok).then((m) => ({ out: 'ok' as const, msg: m })),
      nextMsg(err).then((m) => ({ out: 'err' as const, msg: m })),
    ]);
    helper.getNode('n1').receive(msg);
    return got;
  }

  it('creates, lists, validates, generates and deletes codes, confirmed on the lock', async () => {
    await deploy();
    const created = await run({ action: 'create', payload: { name: 'Guest', code: '4821' } });
    assert.equal(created.out, 'ok');
    const result = created.msg.payload as {
      outcome: string;
      code: { id: string; code?: string; name: string };
    };
    assert.equal(result.outcome, 'confirmed');
    assert.equal(result.code.name, 'Guest');
    assert.equal(emulator.locks.get('front')?.codes[0]?.code, '4821');

    const listed = await run({ action: 'list' });
    assert.ok((listed.msg.payload as Array<{ name: string }>).some((c) => c.name === 'Guest'));

    const valid = await run({ action: 'validate', payload: { code: '12' } });
    assert.equal(valid.out, 'ok', 'a validation result is a result, not an error');
    const v = valid.msg.payload as { ok: boolean; reasons: Array<{ code: string }> };
    assert.equal(v.ok, false);
    assert.ok(v.reasons.length > 0);

    const generated = await run({ action: 'generate', payload: { length: 6 } });
    assert.match(String(generated.msg.payload), /^\d{6}$/);

    const deleted = await run({ action: 'delete', payload: { codeId: result.code.id } });
    assert.equal(deleted.out, 'ok');
    assert.equal((deleted.msg.payload as { outcome: string }).outcome, 'confirmed');
  });

  it('sends every reason of a refused code to output 2 and Catch, without the PIN', async () => {
    await deploy({ action: 'create' });
    const caught = nextMsg(nodes().caught);
    const refused = await run({ payload: { name: 'Bad', code: '98765432101' } });
    assert.equal(refused.out, 'err');
    assert.equal(refused.msg.error?.code, 'invalid_code');
    assert.ok((refused.msg.error?.reasons ?? []).length > 0, 'the reasons are listed');
    const c = await caught;
    assert.equal((c.error as { code: string }).code, 'invalid_code');
    assert.equal(emulator.locks.get('front')?.codes.length, 0, 'nothing reached the lock');

    // A conflicting PIN: the second create of the same code is refused with a typed reason.
    assert.equal((await run({ payload: { name: 'A', code: '593718' } })).out, 'ok');
    const dup = await run({ payload: { name: 'B', code: '593718' } });
    assert.equal(dup.out, 'err');
    assert.ok(['code_conflict', 'invalid_code'].includes(String(dup.msg.error?.code)));
    assert.doesNotMatch(JSON.stringify(dup.msg.error), /593718/, 'the PIN is not in the error');
    // Whole numbers only: a port or a request id in a log line may hold the same digits by chance.
    assert.doesNotMatch(logText(), /(?<!\d)(593718|98765432101)(?!\d)/, 'nor in a log line');
  });

  it('applies the schedule set in the editor when the msg has none', async () => {
    await deploy({
      action: 'create',
      scheduleKind: 'recurring',
      scheduleDays: 'mo,tu',
      scheduleFrom: '08:00',
      scheduleTo: '17:00',
    });
    const r = await run({ payload: { name: 'Cleaner', code: '3719' } });
    // The test vendor's locks hold only "always" codes: the editor's recurring schedule is refused.
    assert.equal(r.out, 'err');
    assert.match(JSON.stringify(r.msg.error), /schedule|recurring/i);
  });

  it('creates a code set across locks', async () => {
    await deploy({ lock: '' });
    const r = await run({
      action: 'set',
      payload: { name: 'Family', code: '2468', lockIds: ['testvendor_front', 'testvendor_back'] },
    });
    assert.equal(r.out, 'ok');
    const set = r.msg.payload as { results: Array<{ lockId: string; ok: boolean }> };
    assert.deepEqual(set.results.map((x) => [x.lockId, x.ok]).sort(), [
      ['testvendor_back', true],
      ['testvendor_front', true],
    ]);
  });

  const bad: Array<[string, object, string]> = [
    ['an unknown action', { action: 'steal' }, 'invalid_input'],
    ['no action', { payload: { name: 'x' } }, 'invalid_input'],
    ['a string payload', { action: 'create', payload: 'give me a code' }, 'invalid_input'],
    ['a create without name', { action: 'create', payload: { code: '1234' } }, 'invalid_input'],
    [
      'a bad schedule',
      { action: 'create', payload: { name: 'x', schedule: { kind: 'sometimes' } } },
      'invalid_input',
    ],
    [
      'an end before the start',
      { action: 'create', payload: { name: 'x', schedule: { start: '2030-01-02', end: '2030-01-01' } } },
      'invalid_input',
    ],
    ['a delete without code id', { action: 'delete', payload: {} }, 'invalid_input'],
    ['an object as PIN', { action: 'create', payload: { name: 'x', code: { pin: 1 } } }, 'invalid_input'],
    ['a code set without locks', { action: 'set', payload: { name: 'x', lockIds: [] } }, 'invalid_input'],
    ['a lock without keypad', { action: 'list', lock: 'testvendor_garage' }, 'not_supported'],
  ];
  it('answers bad msgs with typed errors on output 2, never a crash', async () => {
    await deploy();
    const completes = collect(nodes().completed);
    for (const [what, msg, code] of bad) {
      const r = await run(msg);
      assert.equal(r.out, 'err', what);
      assert.equal(r.msg.error?.code, code, what);
    }
    assert.equal(completes.length, 0);
  });
});
