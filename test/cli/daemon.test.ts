import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../../src/cli/daemon';
import { TestClient, isRecord, tryJson } from '../mqtt/support';

/** The daemon as `lockbridge run` and `demo` start it: config -> hub -> bridge. */
describe('cli: the daemon enforces an account unlock code', function () {
  this.timeout(30_000);
  let dir: string;
  let daemon: Daemon;
  let client: TestClient;
  let lockId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-daemon-'));
    daemon = await startDaemon(
      {
        accounts: [{ vendor: 'sandbox', id: 'demo', vendors: ['august'], unlockCode: '975310' }],
        mqtt: { embedded: { port: 0 } },
        logLevel: 'error',
      },
      join(dir, 'data'),
      false,
    );
    const locks = await daemon.runtime.hub.listLocks();
    lockId = locks.find((l) => l.capabilities.includes('unlock'))!.id;
    client = await TestClient.connect(daemon.bridge.brokerUrl);
  });
  after(async () => {
    await client?.end();
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const errorCode = (answer: Record<string, unknown>) =>
    isRecord(answer.error) ? answer.error.code : undefined;

  it('refuses UNLOCK with no code or a wrong code, and runs it with the right one', async () => {
    const none = await client.request('command', { lock: lockId, command: 'UNLOCK' });
    assert.equal(errorCode(none), 'forbidden');
    const wrong = await client.request('command', { lock: lockId, command: 'UNLOCK', code: '975311' });
    assert.equal(errorCode(wrong), 'forbidden');
    // The plain payload Home Assistant sends without a code.
    const plain = client.waitFor(
      'lockbridge/bridge/response/command',
      (j) => isRecord(j) && j.status === 'error',
    );
    await client.publish(`lockbridge/${lockId}/set`, 'UNLOCK');
    assert.equal(errorCode(tryJson((await plain).payload) as Record<string, unknown>), 'forbidden');
    const right = await client.request('command', { lock: lockId, command: 'UNLOCK', code: '975310' });
    assert.equal(right.status, 'ok', JSON.stringify(right));
  });

  it("gives Home Assistant the lock's code_format", async () => {
    // Discovery is retained: one device message per lock, its entities under `components`.
    await client.subscribe('homeassistant/device/#');
    const config = await client.waitFor(`homeassistant/device/lockbridge/${lockId}/config`);
    const components = (tryJson(config.payload) as { components: Record<string, Record<string, unknown>> })
      .components;
    const entity = components.lock;
    assert.equal(entity.code_format, '^\\d{4,}$');
    assert.ok(!JSON.stringify(entity).includes('975310'));
  });
});
