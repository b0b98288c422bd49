import assert from 'node:assert/strict';
import type { TestVendorEmulator } from '../support/test-vendor/emulator';
import {
  collect,
  coreNode,
  helper,
  lastStatus,
  lockbridgeNodes,
  nextMsg,
  startServer,
  stopServer,
  until,
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

describe('nodes: lockbridge-lock (test vendor)', function () {
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
          { id: 'n1', type: 'lockbridge-lock', account: 'acc', lock: '', command: '', ...props },
          2,
        ),
      ],
      account.credentials,
    );
    await accountReady();
  }

  it('unlocks and locks the configured lock and outputs the confirmed state', async () => {
    await deploy({ lock: 'testvendor_front' });
    const { ok, completed } = nodes();
    const n1 = helper.getNode('n1');
    let got = nextMsg(ok);
    const done = nextMsg(completed);
    n1.receive({ payload: 'unlock' });
    let msg = await got;
    assert.equal(msg.payload, 'UNLOCKED');
    assert.equal(msg.lock, 'testvendor_front');
    assert.equal(msg.topic, 'testvendor_front');
    const result = msg.result as { command: string; confirmedBy: string; status: { state: string } };
    assert.equal(result.command, 'UNLOCK');
    assert.ok(['push', 'readback', 'response'].includes(result.confirmedBy));
    assert.equal((await done).payload, 'UNLOCKED', 'the Complete node sees the msg');
    assert.equal(emulator.locks.get('front')?.state, 'unlocked');
    assert.deepEqual(lastStatus(n1), { fill: 'green', shape: 'dot', text: 'UNLOCKED' });

    got = nextMsg(ok);
    n1.receive({ command: 'LOCK', payload: 'ignored because msg.command wins' });
    msg = await got;
    assert.equal(msg.payload, 'LOCKED');
    assert.equal(emulator.locks.get('front')?.state, 'locked');
  });

  it('takes the lock from msg.lock (an id or a lock object) and STATUS reads without acting', async () => {
    await deploy({ command: 'STATUS' });
    const { ok } = nodes();
    const n1 = helper.getNode('n1');
    let got = nextMsg(ok);
    n1.receive({ lock: 'testvendor_back' });
    assert.equal((await got).payload, 'UNLOCKED');
    got = nextMsg(ok);
    n1.receive({ lock: 'Back Door' });
    assert.equal((await got).lock, 'testvendor_back', 'a lock may be named by its exact name');
    got = nextMsg(ok);
    n1.receive({ lock: { id: 'testvendor_garage', name: 'Garage' } });
    const msg = await got;
    assert.equal(msg.payload, 'LOCKED');
    assert.equal((msg.result as { status: { door: string } }).status.door, 'open');
    assert.equal(emulator.commands.length, 0, 'STATUS sends no command');
  });

  const badMsgs: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no lock anywhere', { payload: 'LOCK' }, /No lock/],
    ['an unknown command', { payload: 'EXPLODE', lock: 'testvendor_front' }, /LOCK, UNLOCK, OPEN, STATUS/],
    ['a number payload', { payload: 42, lock: 'testvendor_front' }, /command must be/],
    ['an object payload', { payload: { a: 1 }, lock: 'testvendor_front' }, /command must be/],
    ['a numeric msg.lock object', { payload: 'LOCK', lock: { id: {} } }, /msg\.lock must be/],
    ['a huge lock id', { payload: 'LOCK', lock: 'x'.repeat(5000) }, /too long/],
    ['a bad timeout', { payload: 'LOCK', lock: 'testvendor_front', timeout: -5 }, /msg\.timeout/],
  ];
  for (const [what, input, message] of badMsgs) {
    it(`answers ${what} with invalid_input on output 2 and in Catch, without acting`, async () => {
      await deploy();
      const { err, caught, completed } = nodes();
      const n1 = helper.getNode('n1');
      const onErr = nextMsg(err);
      const onCatch = nextMsg(caught);
      const completes = collect(completed);
      n1.receive(input);
      const msg = await onErr;
      assert.equal(msg.error?.code, 'invalid_input');
      assert.match(String(msg.error?.message), message);
      const c = await onCatch;
      assert.equal((c.error as { code?: string }).code, 'invalid_input', 'Catch sees the typed code');
      assert.equal(c._error?.code, 'invalid_input', 'and the full error under msg._error');
      assert.ok(!('cause' in (c.error as object)), 'no raw cause reaches the flow');
      assert.equal(completes.length, 0, 'done(err) reaches Catch, not Complete');
      assert.equal(emulator.commands.length, 0);
      assert.deepEqual(lastStatus(n1), { fill: 'red', shape: 'ring', text: 'invalid_input' });
    });
  }

  it('reports an unknown lock as not_found and an offline lock as lock_offline', async () => {
    await deploy();
    const { err } = nodes();
    const n1 = helper.getNode('n1');
    let got = nextMsg(err);
    n1.receive({ payload: 'LOCK', lock: 'testvendor_nope' });
    assert.equal((await got).error?.code, 'not_found');

    emulator.setOnline('back', false);
    got = nextMsg(err);
    n1.receive({ payload: 'LOCK', lock: 'testvendor_back' });
    const msg = await got;
    assert.equal(msg.error?.code, 'lock_offline');
    assert.equal(msg.error?.lock, 'testvendor_back');
  });

  it('reports OPEN on a lock without it as not_supported', async () => {
    await deploy({ lock: 'testvendor_back' });
    const { err } = nodes();
    const got = nextMsg(err);
    helper.getNode('n1').receive({ payload: 'OPEN' });
    assert.equal((await got).error?.code, 'not_supported');
  });

  it('shows the account connection in its status and fails cleanly without an account', async () => {
    const account = testVendorAccount(emulator);
    await helper.load(
      [...lockbridgeNodes(), coreNode('common/25-catch.js'), coreNode('common/24-complete.js')],
      [
        account.node,
        ...wiredFlow({ id: 'n1', type: 'lockbridge-lock', account: 'acc', lock: 'testvendor_front' }, 2),
        {
          id: 'n2',
          type: 'lockbridge-lock',
          z: 'tab1',
          x: 10,
          y: 10,
          account: '',
          lock: 'testvendor_front',
          wires: [['ok'], ['err']],
        },
      ],
      account.credentials,
    );
    await accountReady();
    const n1 = helper.getNode('n1');
    await until(() => lastStatus(n1)?.text === 'node-red:common.status.connected', 'connected status');
    assert.equal(lastStatus(n1)?.fill, 'green');
    const n2 = helper.getNode('n2');
    assert.equal(lastStatus(n2)?.text, 'no account');
    const got = nextMsg(nodes().err);
    n2.receive({ payload: 'LOCK' });
    const msg: Msg = await got;
    assert.equal(msg.error?.code, 'invalid_config');
  });
});
