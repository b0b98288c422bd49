import assert from 'node:assert/strict';
import { TestClient, isRecord, startBridgeFixture, tryJson, type BridgeFixture } from './support';

const FRONT = 'testvendor_front';

/** MQTT 3.1.1 has no correlation data: an oversized request is matched to its answer by its transaction. */
describe('mqtt bridge: a request over 64 KB', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  before(async () => {
    f = await startBridgeFixture();
  });
  after(() => f.stop());

  it('is refused, and answered with its transaction, on the request and on the set topic', async () => {
    const c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/response/#');
    const answer = (operation: string, transaction: string) =>
      c
        .waitFor(
          `lockbridge/bridge/response/${operation}`,
          (j) => isRecord(j) && j.transaction === transaction,
        )
        .then((m) => tryJson(m.payload) as { status: string; error: { code: string; message: string } });

    const request = answer('codes/create', 'bulk-1');
    await c.publish(
      'lockbridge/bridge/request/codes/create',
      JSON.stringify({ lock: FRONT, name: 'x'.repeat(70 * 1024), transaction: 'bulk-1' }),
    );
    const refused = await request;
    assert.equal(refused.status, 'error');
    assert.equal(refused.error.code, 'invalid_input');
    assert.match(refused.error.message, /larger than 65536 bytes/);

    const command = answer('command', 'bulk-2');
    await c.publish(
      `lockbridge/${FRONT}/set`,
      JSON.stringify({ command: 'UNLOCK', transaction: 'bulk-2', pad: 'y'.repeat(70 * 1024) }),
    );
    assert.equal((await command).error.code, 'invalid_input');
    await c.end();
    assert.equal(f.hub.emulator.commands.length, 0);
  });
});
