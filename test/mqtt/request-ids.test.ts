import assert from 'node:assert/strict';
import { TestClient, isRecord, startBridgeFixture, tryJson, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';

/** A client's transaction is its own label, echoed back; the vendor's request id is ours, new per command. */
describe('mqtt bridge: vendor request ids', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  before(async () => {
    f = await startBridgeFixture();
  });
  after(() => f.stop());

  it('sends two OPENs with the same transaction to the vendor with two different request ids', async () => {
    const c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/response/#');
    const sends: Array<[string, Record<string, unknown>]> = [
      [`lockbridge/${FRONT}/set`, { command: 'OPEN', transaction: 'door-1' }],
      [`lockbridge/${FRONT}/set`, { command: 'OPEN', transaction: 'door-1' }],
      ['lockbridge/bridge/request/command', { lock: FRONT, command: 'OPEN', transaction: 'door-1' }],
    ];
    for (const [topic, body] of sends) {
      c.received.length = 0;
      const answered = c.waitFor(
        'lockbridge/bridge/response/command',
        (j) => isRecord(j) && j.transaction === 'door-1',
      );
      await c.publish(topic, JSON.stringify(body));
      const answer = tryJson((await answered).payload) as Record<string, unknown>;
      assert.equal(answer.status, 'ok', JSON.stringify(answer));
    }
    await c.end();

    const opens = f.hub.emulator.commands.filter((x) => x.command === 'open');
    assert.equal(opens.length, 3, 'every OPEN reached the vendor');
    const ids = opens.map((x) => x.requestId);
    assert.equal(new Set(ids).size, 3, `request ids are unique: ${ids.join(', ')}`);
    for (const id of ids) {
      assert.notEqual(id, 'door-1');
      assert.ok(!id.includes('door-1'), 'the client transaction never becomes the request id');
    }
  });
});
