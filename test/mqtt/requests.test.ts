import assert from 'node:assert/strict';
import { OPERATION_NAMES } from '../../src/mqtt';
import { TestClient, isRecord, startBridgeFixture, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';
type Envelope = {
  status: string;
  data: unknown;
  error?: { code: string; message: string };
  transaction?: unknown;
};

describe('mqtt bridge: request/response operations', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  let c: TestClient;
  const ask = async (op: string, params: Record<string, unknown> = {}) =>
    (await c.request(op, params)) as unknown as Envelope;

  describe('without publishCodes', () => {
    before(async () => {
      f = await startBridgeFixture();
      c = await TestClient.connect(f.bridge.brokerUrl);
    });
    after(async () => {
      await c.end();
      await f.stop();
    });

    it('covers every LockSource operation', () => {
      assert.deepEqual([...OPERATION_NAMES].sort(), [
        'accounts',
        'codes/create',
        'codes/delete',
        'codes/generate',
        'codes/list',
        'codes/set',
        'codes/update',
        'codes/validate',
        'command',
        'lock',
        'locks',
        'share',
        'share/delete_duplicate',
        'share/duplicate',
        'share/key',
        'share/lock_user',
        'share/mobile_key',
        'share/remove_lock_user',
        'share/revoke_key',
        'share/revoke_mobile_key',
        'shares/list',
        'two_factor/request',
        'two_factor/submit',
      ]);
    });

    it('lists locks, gets one, and answers not_found with the transaction echoed', async () => {
      const locks = await ask('locks');
      assert.equal(locks.status, 'ok');
      assert.equal((locks.data as unknown[]).length, 3);
      const one = await ask('lock', { lock: FRONT });
      assert.equal((one.data as Record<string, unknown>).name, 'Front Door');
      const missing = await ask('lock', { lock: 'testvendor_nope' });
      assert.equal(missing.status, 'error');
      assert.equal(missing.error?.code, 'not_found');
      assert.equal(typeof missing.transaction, 'string');
      assert.equal(missing.data, null);
    });

    it('runs a command and refuses an expired one', async () => {
      const ok = await ask('command', { lock: 'testvendor_back', command: 'LOCK' });
      assert.equal(ok.status, 'ok');
      assert.equal((ok.data as Record<string, Record<string, unknown>>).status.state, 'LOCKED');
      const expired = await ask('command', { lock: FRONT, command: 'UNLOCK', expires_at: Date.now() - 5 });
      assert.equal(expired.error?.code, 'expired');
      const unsupported = await ask('command', { lock: 'testvendor_back', command: 'OPEN' });
      assert.equal(unsupported.error?.code, 'not_supported');
      assert.deepEqual(
        f.hub.emulator.commands.map((x) => x.command),
        ['lock'],
      );
    });

    it('manages access codes end to end and never publishes a PIN', async () => {
      const created = await ask('codes/create', { lock: FRONT, name: 'Guest', code: '4826' });
      assert.equal(created.status, 'ok', JSON.stringify(created.error));
      const result = created.data as { outcome: string; code: Record<string, unknown> };
      assert.equal(result.outcome, 'confirmed');
      assert.equal('code' in result.code, false);
      const list = await ask('codes/list', { lock: FRONT });
      const codes = list.data as Array<Record<string, unknown>>;
      assert.ok(codes.some((x) => x.name === 'Guest'));
      assert.ok(codes.every((x) => !('code' in x)));
      const updated = await ask('codes/update', { lock: FRONT, codeId: result.code.id, name: 'Guest 2' });
      // The test vendor cannot update codes: the source's own typed error comes back as it is.
      assert.equal(updated.error?.code, 'not_supported');
      assert.match(updated.error!.message, /cannot update codes/);
      const validation = await ask('codes/validate', { lock: FRONT, name: 'X', code: '12' });
      assert.equal((validation.data as { ok: boolean }).ok, false);
      // A code with letters is only validated: the answer names the broken rule instead of refusing it.
      const letters = await ask('codes/validate', { lock: FRONT, name: 'X', code: '12ab' });
      const reasons = (letters.data as { reasons: Array<{ code: string }> }).reasons.map((r) => r.code);
      assert.ok(reasons.includes('not_numeric'), reasons.join(','));
      const refused = await ask('codes/create', { lock: FRONT, name: 'X', code: '12ab' });
      assert.equal(refused.error?.code, 'invalid_input');
      const generated = await ask('codes/generate', { lock: FRONT });
      assert.equal(generated.error?.code, 'forbidden');
      const set = await ask('codes/set', {
        name: 'Cleaner',
        lockIds: [FRONT, 'testvendor_back'],
        code: '7391',
      });
      assert.equal(set.status, 'ok', JSON.stringify(set.error));
      assert.equal((set.data as { results: unknown[] }).results.length, 2);
      const deleted = await ask('codes/delete', { lock: FRONT, codeId: result.code.id });
      assert.equal((deleted.data as { outcome: string }).outcome, 'confirmed');
      const everything = c.received.map((m) => m.payload.toString()).join('\n');
      // A PIN as a whole token: a 4-digit PIN can sit inside a request id (hex) or a port by chance.
      const holds = (text: string, pin: string) =>
        new RegExp(`(?<![0-9A-Za-z])${pin}(?![0-9A-Za-z])`).test(text);
      for (const pin of ['4826', '7391']) assert.ok(!holds(everything, pin), `PIN ${pin} was published`);
      for (const pin of ['4826', '7391']) {
        assert.ok(!holds(f.logs.text(), pin), `PIN ${pin} in the bridge log`);
        assert.ok(!holds(f.hub.logs.text(), pin), `PIN ${pin} in the hub log`);
      }
    });

    it('answers invalid_input naming the field, for bad input to codes and shares', async () => {
      const noName = await ask('codes/create', { lock: FRONT, code: '1234' });
      assert.equal(noName.error?.code, 'invalid_input');
      assert.match(noName.error!.message, /"name"/);
      const letters = await ask('codes/create', { lock: FRONT, name: 'A', code: '12ab' });
      assert.equal(letters.error?.code, 'invalid_input');
      assert.doesNotMatch(letters.error!.message, /12ab/);
      const schedule = await ask('codes/create', {
        lock: FRONT,
        name: 'A',
        schedule: { kind: 'recurring', days: ['xx'] },
      });
      assert.equal(schedule.error?.code, 'invalid_input');
      const kind = await ask('share', { lock: FRONT, kind: 'teleport' });
      assert.equal(kind.error?.code, 'invalid_input');
      const dup = await ask('share/duplicate', { lock: FRONT });
      assert.equal(dup.error?.code, 'invalid_input');
    });

    it('passes sharing, accounts and two-factor to the source', async () => {
      const share = await ask('share/duplicate', { lock: FRONT, toLockHolderId: 'holder-2' });
      assert.equal(share.error?.code, 'not_supported');
      const generic = await ask('share', { lock: FRONT, kind: 'lock_user', userId: 'u1', role: 'manager' });
      assert.equal(generic.error?.code, 'not_supported');
      const shares = await ask('shares/list', { lock: FRONT });
      assert.equal(shares.error?.code, 'not_supported');
      assert.equal((shares.error as unknown as Record<string, unknown>).lock, FRONT);
      const accounts = await ask('accounts');
      assert.deepEqual(
        (accounts.data as Array<Record<string, unknown>>).map((a) => [a.account, a.state]),
        [['tv', 'connected']],
      );
      const twoFactor = await ask('two_factor/submit', { account: 'tv', code: '123456' });
      assert.equal(twoFactor.error?.code, 'not_supported');
      const unknownAccount = await ask('two_factor/request', { account: 'nobody' });
      assert.equal(unknownAccount.error?.code, 'not_found');
    });

    it('answers unknown operations and malformed payloads', async () => {
      const unknown = await ask('teleport');
      assert.equal(unknown.error?.code, 'invalid_input');
      assert.match(unknown.error!.message, /Unknown operation/);
      const answer = c.waitFor(
        'lockbridge/bridge/response/locks',
        (j) => isRecord(j) && j.status === 'error',
      );
      await c.publish('lockbridge/bridge/request/locks', '{not json');
      assert.equal((await answer).payload.toString().includes('invalid_input'), true);
      const arr = c.waitFor(
        'lockbridge/bridge/response/lock',
        (j) => isRecord(j) && isRecord(j.error) && /JSON object/.test(String(j.error.message)),
      );
      await c.publish('lockbridge/bridge/request/lock', '[1,2]');
      await arr;
    });
  });

  describe('with publishCodes', () => {
    before(async () => {
      f = await startBridgeFixture({ publishCodes: true });
      c = await TestClient.connect(f.bridge.brokerUrl);
    });
    after(async () => {
      await c.end();
      await f.stop();
    });

    it('publishes PIN codes in code lists and generates codes', async () => {
      const created = await ask('codes/create', { lock: FRONT, name: 'Guest', code: '5937' });
      assert.equal((created.data as { code: { code: string } }).code.code, '5937');
      const list = await ask('codes/list', { lock: FRONT });
      assert.ok((list.data as Array<Record<string, unknown>>).some((x) => x.code === '5937'));
      const generated = await ask('codes/generate', { lock: FRONT });
      assert.match((generated.data as { code: string }).code, /^\d+$/);
      // Logs still never carry it.
      assert.ok(!f.logs.text().includes('5937'));
    });
  });
});
