import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPERATION_NAMES } from '../../src/mqtt';
import { TestClient, isRecord, startBridgeFixture, type BridgeFixture } from './support';

const LOCKS = ['testvendor_front', 'testvendor_back', 'testvendor_garage', 'testvendor_nope'];

/** Payloads that look like requests, with fields of the wrong kinds, and pure noise. */
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .record(
      {
        lock: fc.oneof(fc.constantFrom(...LOCKS), fc.anything()),
        command: fc.oneof(fc.constantFrom('LOCK', 'STATUS', 'lock', 'EXPLODE'), fc.anything()),
        code: fc.oneof(fc.stringMatching(/^\d{1,10}$/), fc.anything()),
        codeId: fc.anything(),
        name: fc.oneof(fc.string(), fc.anything()),
        kind: fc.oneof(fc.constantFrom('duplicate', 'key', 'mobile_key', 'lock_user'), fc.anything()),
        schedule: fc.oneof(
          fc.record(
            { kind: fc.constantFrom('always', 'time_bound', 'recurring', 'one_time', 'x') },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
        lockIds: fc.oneof(fc.array(fc.constantFrom(...LOCKS)), fc.anything()),
        expires_at: fc.oneof(fc.integer(), fc.string(), fc.anything()),
        sent_at: fc.anything(),
        transaction: fc.anything(),
        account: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((o) => Buffer.from(JSON.stringify(o))),
);

describe('mqtt bridge: fuzzed command and request payloads', function () {
  this.timeout(60_000);
  let f: BridgeFixture;
  let c: TestClient;

  before(async () => {
    // No unlocks in the fuzz: every lock needs an unlock code nobody sends.
    f = await startBridgeFixture({
      unlockCodes: Object.fromEntries(LOCKS.map((l) => [l, 'fuzz-never-sent'])),
    });
    c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/response/#');
  });
  after(async () => {
    await c.end();
    await f.stop();
  });

  it('answers every request topic, whatever the payload, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATION_NAMES), payloads, async (op, payload) => {
        const before = c.received.length;
        const answer = c.waitFor(
          `lockbridge/bridge/response/${op}`,
          (j, m) =>
            c.received.indexOf(m) >= before && isRecord(j) && (j.status === 'ok' || j.status === 'error'),
        );
        await c.publish(`lockbridge/bridge/request/${op}`, payload);
        const body = (await answer).payload.toString();
        assert.ok(body.length > 0);
      }),
      { numRuns: 300 },
    );
    assert.equal((await c.request('locks')).status, 'ok');
  });

  it('answers every set topic, whatever the payload, never unlocks, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LOCKS), payloads, async (lock, payload) => {
        if (payload.length === 0) {
          // An empty payload is no command (it is how retained messages are cleared): no answer.
          await c.publish(`lockbridge/${lock}/set`, payload);
          return;
        }
        const before = c.received.length;
        const answer = c.waitFor(
          'lockbridge/bridge/response/command',
          (_j, m) => c.received.indexOf(m) >= before,
        );
        await c.publish(`lockbridge/${lock}/set`, payload);
        await answer;
      }),
      { numRuns: 300 },
    );
    assert.ok(f.hub.emulator.commands.every((x) => x.command === 'lock'));
    assert.equal((await c.request('locks')).status, 'ok');
  });

  it('survives junk on topics that are not operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_\-/ ]{1,30}$/), payloads, async (suffix, payload) => {
        await c.publish(`lockbridge/bridge/request/${suffix}`, payload);
        await c.publish(`lockbridge/${suffix}`, payload);
      }),
      { numRuns: 100 },
    );
    assert.equal((await c.request('locks')).status, 'ok');
  });
});
