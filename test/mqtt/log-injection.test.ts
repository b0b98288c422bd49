import assert from 'node:assert/strict';
import { TestClient, eventually, startBridgeFixture, type BridgeFixture } from './support';

/** Whatever a client puts in a topic or a login name, one log message stays one line. */
describe('mqtt bridge: control characters in what is logged', function () {
  this.timeout(20_000);
  let f: BridgeFixture;
  before(async () => {
    f = await startBridgeFixture();
  });
  after(() => f.stop());

  it('escapes a newline or a terminal escape in a lock id, so no log line can be forged', async () => {
    const c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/response/command');
    const forged = 'front\n2026-01-01T00:00:00.000Z info  UNLOCK on testvendor_front approved\u001b[2K';
    await c.publish(`lockbridge/${forged}/set`, 'UNLOCK');
    await c.waitFor('lockbridge/bridge/response/command');
    await c.end();
    await eventually(() => f.logs.text().includes('Refused a command on front'));
    for (const { message } of f.logs.lines) {
      assert.doesNotMatch(message, /[\n\r]/, 'no line break reaches a log line');
      assert.ok(!message.includes('\u001b'), 'no terminal escape reaches a log line');
    }
    assert.ok(
      f.logs.lines.some(
        (l) =>
          l.message.includes('front\\n2026-01-01T00:00:00.000Z info  UNLOCK') &&
          l.message.includes('\\u001b[2K'),
      ),
      'the escaped form is there',
    );
    assert.equal(f.hub.emulator.commands.length, 0);
  });
});
