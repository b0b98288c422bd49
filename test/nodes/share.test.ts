import assert from 'node:assert/strict';
import {
  coreNode,
  helper,
  lockbridgeNodes,
  nextMsg,
  startServer,
  stopServer,
  type Msg,
} from './support/harness';
import { accountReady, nodes, useSettings, wiredFlow } from './support/fixtures';

interface LockLike {
  id: string;
  name: string;
  capabilities: string[];
}

describe('nodes: lockbridge-share (sandbox: Unloc and Seam emulators)', function () {
  let settings: { remove(): void };
  let locks: LockLike[];

  before(startServer);
  after(stopServer);
  beforeEach(async () => {
    settings = useSettings();
    await helper.load(
      [...lockbridgeNodes(), coreNode('common/25-catch.js'), coreNode('common/24-complete.js')],
      [
        {
          id: 'acc',
          type: 'lockbridge-account',
          mode: 'vendor',
          vendor: 'sandbox',
          sandboxVendors: 'unloc, seam',
        },
        ...wiredFlow({ id: 'n1', type: 'lockbridge-share', account: 'acc', lock: '', kind: '' }, 2),
      ],
    );
    const account = await accountReady();
    const source = (await account.connection.source()) as { listLocks(): Promise<LockLike[]> };
    locks = await source.listLocks();
  });
  afterEach(async () => {
    await helper.unload();
    settings.remove();
  });

  function lockNamed(name: string, capability: string): string {
    const lock = locks.find((l) => l.name === name && l.capabilities.includes(capability));
    assert.ok(lock, `the sandbox has ${name} with ${capability}`);
    return lock.id;
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

  it('duplicates an Unloc lock to another lock holder and to a phone, lists and deletes the duplicate', async () => {
    const garage = lockNamed('Garage Door', 'duplicate');
    const toHolder = await run({ kind: 'duplicate', lock: garage, payload: { toLockHolderId: 'lh-home' } });
    assert.equal(toHolder.out, 'ok', JSON.stringify(toHolder.msg.error));
    const share = toHolder.msg.payload as {
      kind: string;
      share: { id: string; with: string };
      data: { duplicateLockId: string };
    };
    assert.equal(share.kind, 'duplicate');
    assert.equal(share.share.with, 'lh-home');

    const front = lockNamed('Front Door', 'duplicate');
    const toPhone = await run({ lock: front, payload: { kind: 'duplicate', toPhone: '+47 912 34 567' } });
    assert.equal(toPhone.out, 'ok', JSON.stringify(toPhone.msg.error));
    assert.equal((toPhone.msg.payload as { share: { with: string } }).share.with, '+4791234567');

    const listed = await run({ kind: 'list', lock: garage });
    assert.ok((listed.msg.payload as Array<{ id: string }>).some((s) => s.id === share.share.id));

    const removed = await run({
      kind: 'delete_duplicate',
      lock: garage,
      payload: { duplicateLockId: share.data.duplicateLockId },
    });
    assert.equal(removed.out, 'ok', JSON.stringify(removed.msg.error));
  });

  it('gives an Unloc key to a phone number', async () => {
    const r = await run({
      kind: 'key',
      lock: lockNamed('Front Door', 'keys'),
      payload: { toPhone: '+4791234567', name: 'Cleaner' },
    });
    assert.equal(r.out, 'ok', JSON.stringify(r.msg.error));
    assert.equal((r.msg.payload as { kind: string }).kind, 'key');
  });

  it('routes a Seam mobile key to the driver, and refuses shares a lock cannot do', async () => {
    const lobby = lockNamed('Lobby Entrance', 'mobile_keys');
    const start = new Date(Date.now() + 3600_000).toISOString();
    const end = new Date(Date.now() + 3 * 86400_000).toISOString();
    const noGroup = await run({
      kind: 'mobile_key',
      lock: lobby,
      payload: { email: 'guest@example.com', start, end },
    });
    assert.equal(noGroup.out, 'err');
    assert.equal(noGroup.msg.error?.code, 'invalid_input');
    assert.match(String(noGroup.msg.error?.message), /accessGroupIds/);

    const notHere = await run({ kind: 'duplicate', lock: lobby, payload: { toPhone: '+4791234567' } });
    assert.equal(notHere.msg.error?.code, 'not_supported');
  });

  const bad: Array<[string, object]> = [
    ['no kind', { payload: {} }],
    ['an unknown kind', { kind: 'steal' }],
    [
      'both a holder and a phone',
      { kind: 'duplicate', payload: { toLockHolderId: 'a', toPhone: '+4791234567' } },
    ],
    ['a bad phone', { kind: 'duplicate', payload: { toPhone: '12345' } }],
    ['a mobile key without dates', { kind: 'mobile_key', payload: { email: 'a@b.co' } }],
    ['a mobile key with a bad email', { kind: 'mobile_key', payload: { email: 'nope', start: 1, end: 2 } }],
    ['a bad role', { kind: 'lock_user', payload: { userId: 'u1', role: 'god' } }],
    ['a number payload', { kind: 'key', payload: 7 }],
    ['a lock user without user id', { kind: 'remove_lock_user', payload: {} }],
  ];
  it('answers bad msgs with invalid_input on output 2 and in Catch', async () => {
    const lock = lockNamed('Front Door', 'duplicate');
    for (const [what, msg] of bad) {
      const caught = nextMsg(nodes().caught);
      const r = await run({ lock, ...msg });
      assert.equal(r.out, 'err', what);
      assert.equal(r.msg.error?.code, 'invalid_input', what);
      assert.equal(((await caught).error as { code: string }).code, 'invalid_input', what);
    }
  });
});
