import assert from 'node:assert/strict';
import { LockbridgeError } from '../../src/core/errors';
import type { Lock } from '../../src/core/model';
import { CommandGuard, type CommandEnvelope } from '../../src/mqtt/command-guard';
import type { IncomingMessage } from '../../src/mqtt/connection';
import { resolveSettings } from '../../src/mqtt/settings';
import { stripCodes } from '../../src/mqtt/wire';
import { unlockCodeFor } from '../../src/mqtt/unlock-code';

const NOW = 1_800_000_000_000;
const lock = { id: 'august_1', account: 'home', name: 'Front' } as Lock;
const message = (extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic: 'lockbridge/august_1/set',
  payload: Buffer.alloc(0),
  retain: false,
  protocolVersion: 5,
  ...extra,
});

function refusedWith(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof LockbridgeError && err.code === code);
}

describe('mqtt command guard', () => {
  const guard = new CommandGuard(resolveSettings({ maxCommandAgeSeconds: 30 }), { now: () => NOW });
  const envelope = (extra: Partial<CommandEnvelope> = {}): CommandEnvelope => ({
    lockId: lock.id,
    command: 'UNLOCK',
    ...extra,
  });

  it('gives every command an expiry no later than the maximum age', () => {
    assert.equal(guard.check(envelope(), message(), lock).expiresAt, NOW + 30_000);
    assert.equal(guard.check(envelope({ expiresAt: NOW + 5000 }), message(), lock).expiresAt, NOW + 5000);
    assert.equal(guard.check(envelope({ sentAt: NOW - 10_000 }), message(), lock).expiresAt, NOW + 20_000);
  });

  it('honours the MQTT 5 message expiry interval the broker counted down', () => {
    assert.equal(guard.check(envelope(), message({ messageExpiryInterval: 2 }), lock).expiresAt, NOW + 2000);
    refusedWith(() => guard.check(envelope(), message({ messageExpiryInterval: 0 }), lock), 'expired');
  });

  it('refuses retained, expired, stale and unknown commands', () => {
    refusedWith(() => guard.check(envelope(), message({ retain: true }), lock), 'invalid_input');
    refusedWith(() => guard.check(envelope({ expiresAt: NOW - 1 }), message(), lock), 'expired');
    refusedWith(() => guard.check(envelope({ sentAt: NOW - 31_000 }), message(), lock), 'expired');
    refusedWith(() => guard.check(envelope({ command: 'EXPLODE' }), message(), lock), 'invalid_input');
  });

  it('checks unlock codes for UNLOCK and OPEN only, by lock first, then by account', () => {
    const settings = resolveSettings(
      { unlockCodes: { august_1: '1111' } },
      { home: '2222', sandbox: '3333' },
    );
    const g = new CommandGuard(settings, { now: () => NOW });
    refusedWith(() => g.check(envelope(), message(), lock), 'forbidden');
    refusedWith(() => g.check(envelope({ command: 'OPEN', code: '2222' }), message(), lock), 'forbidden');
    assert.equal(g.check(envelope({ code: '1111' }), message(), lock).command, 'UNLOCK');
    assert.equal(g.check(envelope({ command: 'LOCK' }), message(), lock).command, 'LOCK');
    assert.equal(unlockCodeFor({ id: 'x', account: 'home' }, settings), '2222');
    assert.equal(unlockCodeFor({ id: 'x', account: 'sandbox-seam' }, settings), '3333');
    assert.equal(unlockCodeFor({ id: 'x', account: 'other' }, settings), undefined);
  });

  it('strips PINs from access codes at any depth and keeps error codes', () => {
    const out = stripCodes({
      status: 'ok',
      data: [{ id: 'c1', lockId: 'l', name: 'Guest', code: '4826', schedule: { kind: 'always' } }],
      nested: {
        result: { code: { id: 'c2', code: '9999' }, error: { code: 'invalid_code', message: 'bad' } },
      },
      error: { code: 'forbidden', message: 'no' },
    });
    const text = JSON.stringify(out);
    assert.ok(!text.includes('4826') && !text.includes('9999'));
    assert.match(text, /invalid_code/);
    assert.match(text, /forbidden/);
  });
});
