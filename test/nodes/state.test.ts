import assert from 'node:assert/strict';
import type { TestVendorEmulator } from '../support/test-vendor/emulator';
import {
  collect,
  helper,
  lockbridgeNodes,
  nextMsg,
  startServer,
  stopServer,
  until,
  type Msg,
} from './support/harness';
import { accountReady, placed, startTestVendor, testVendorAccount, useSettings } from './support/fixtures';

describe('nodes: lockbridge-state (test vendor)', function () {
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

  /** pollInterval (seconds): a short poll lets a change only the vendor's listing shows reach the flow. */
  async function deploy(pollInterval?: number): Promise<void> {
    const account = testVendorAccount(emulator);
    await helper.load(
      lockbridgeNodes(),
      [
        pollInterval === undefined ? account.node : { ...account.node, pollInterval },
        ...placed([
          { id: 'tab1', type: 'tab' },
          {
            id: 'all',
            type: 'lockbridge-state',
            z: 'tab1',
            account: 'acc',
            lock: '',
            events: 'all',
            wires: [['outAll']],
          },
          {
            id: 'front',
            type: 'lockbridge-state',
            z: 'tab1',
            account: 'acc',
            lock: 'testvendor_front',
            events: 'state',
            wires: [['outFront']],
          },
          {
            id: 'act',
            type: 'lockbridge-state',
            z: 'tab1',
            account: 'acc',
            lock: '',
            events: 'activity',
            wires: [['outAct']],
          },
          { id: 'outAll', type: 'helper', z: 'tab1' },
          { id: 'outFront', type: 'helper', z: 'tab1' },
          { id: 'outAct', type: 'helper', z: 'tab1' },
        ]),
      ],
      account.credentials,
    );
    await accountReady();
  }

  it('emits state changes and who did it, filtered by lock and by kind', async () => {
    await deploy();
    const all = collect(helper.getNode('outAll'));
    const front = collect(helper.getNode('outFront'));
    const activity = nextMsg(helper.getNode('outAct'));
    emulator.physical('back', 'locked', 'Bob');
    const act = await activity;
    assert.equal(act.event, 'activity');
    assert.equal(act.lock, 'testvendor_back');
    const action = act.payload as { action: string; who: string; how: string; at: string };
    assert.equal(action.action, 'LOCKED');
    assert.equal(action.who, 'Bob');
    assert.equal(action.how, 'manual');
    assert.ok(!Number.isNaN(Date.parse(action.at)));
    await until(() => all.some((m) => m.event === 'state' && m.lock === 'testvendor_back'), 'state event');
    const state = all.find((m) => m.event === 'state') as Msg;
    assert.equal(state.payload, 'LOCKED');
    assert.equal(state.topic, 'testvendor_back');
    assert.equal(state.name, 'Back Door');
    assert.equal((state.details as { previous: { state: string } }).previous.state, 'UNLOCKED');
    assert.equal(front.length, 0, 'the front-door node ignores the back door');

    emulator.physical('front', 'jammed');
    await until(() => front.length > 0, 'front state');
    assert.equal(front[0].payload, 'JAMMED');
    assert.ok(
      front.every((m) => m.event === 'state'),
      'state-only node emits no activity',
    );
  });

  it('tells a flow when a lock is renamed or gains capabilities in the vendor app (events: all)', async () => {
    // A short poll: a rename reaches the bridge by the vendor's listing.
    await deploy(0.2);
    const all = collect(helper.getNode('outAll'));
    const front = emulator.locks.get('front')!;
    emulator.addLock({ ...front, name: 'Porch', canOpen: !front.canOpen });
    await until(() => all.some((m) => m.event === 'lock_changed'), 'lock_changed');
    const msg = all.find((m) => m.event === 'lock_changed') as Msg;
    assert.equal(msg.topic, 'testvendor_front');
    assert.equal(msg.name, 'Porch');
    const details = msg.details as { previous: { name: string }; lock: { capabilities: string[] } };
    assert.equal(details.previous.name, front.name);
    assert.equal(details.lock.capabilities.includes('open'), !front.canOpen);
  });

  it('answers an input with the current state of one lock or of all locks', async () => {
    await deploy();
    const out = collect(helper.getNode('outAll'));
    helper.getNode('all').receive({ topic: 'poll' });
    await until(() => out.length === 3, 'three current msgs');
    assert.deepEqual(out.map((m) => m.lock).sort(), [
      'testvendor_back',
      'testvendor_front',
      'testvendor_garage',
    ]);
    assert.ok(out.every((m) => m.event === 'current' && typeof m.payload === 'string'));

    const one = nextMsg(helper.getNode('outFront'));
    helper.getNode('front').receive({});
    assert.equal((await one).payload, 'LOCKED');
  });

  it('survives bad msgs: an unknown or malformed msg.lock ends in a typed error, never a crash', async () => {
    await deploy();
    const node = helper.getNode('all');
    const errors: Array<{ code?: string }> = [];
    node.on('call:error', (call: never) =>
      errors.push((call as { args: unknown[] }).args[0] as { code?: string }),
    );
    node.receive({ lock: 'testvendor_missing' });
    node.receive({ lock: ['not', 'an', 'id'] });
    const out = collect(helper.getNode('outAll'));
    node.receive({ lock: null, payload: Symbol.for('odd') });
    await until(() => errors.length >= 2 && out.length === 3, 'two errors and the current states');
    assert.deepEqual(errors.map((e) => e.code).sort(), ['invalid_input', 'not_found']);
  });
});
