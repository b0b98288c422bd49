import assert from 'node:assert/strict';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { IDS, seededUnloc } from '../../emulators/unloc/fixture';
import { unlocDriver, waitFor } from './helpers';

/** A key event as Unloc documents it (key-events-webhook), claiming to be someone else. */
const forged = (i: number) =>
  JSON.stringify({
    id: `forged-${i}`,
    action: 'unlocked',
    created: '2030-01-01T10:00:00.000Z',
    keyId: 'k',
    lockId: IDS.officeDoor,
    lockName: 'Office',
    userId: '+4799999999',
    userName: 'Mallory (forged)',
  });

describe('Unloc key-event webhooks are authenticated (issue 14, item 6)', () => {
  let emu: UnlocEmulator;
  let base: string;
  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('registers a URL with a secret last segment; forged deliveries are refused and publish nothing', async () => {
    const { driver, pushes, sink } = unlocDriver(base, {
      keyEvents: { listenHost: '127.0.0.1', listenPort: 0 },
    });
    await driver.start();
    await driver.listLocks();
    const registered = emu.state.webhooks[0].webhookUrl;
    const secret = registered.split('/').at(-1) as string;
    assert.match(secret, /^[0-9a-f]{64}$/);
    const listener = registered.slice(0, -secret.length - 1);
    const post = (url: string, body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        (r) => r.status,
      );
    // The listener's own path, a guessed secret, a secret one character off: all 401.
    assert.equal(await post(listener, forged(0)), 401);
    assert.equal(await post(`${listener}/guess`, forged(1)), 401);
    const offByOne = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    assert.equal(await post(`${listener}/${offByOne}`, forged(2)), 401);
    // A flood of forged events: every one refused, none published.
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        post(`${listener}/${i.toString(16).padStart(64, '0')}`, forged(i + 10)),
      ),
    );
    assert.ok(statuses.every((s) => s === 401));
    assert.equal(pushes.length, 0);
    // Unloc's own delivery (to the registered URL) is taken.
    await driver.shares.share(IDS.officeDoor, {
      kind: 'key',
      lockId: 'x',
      toPhone: '+4791234567',
      name: 'Kari',
    });
    emu.activateKeys();
    await emu.useKey([...emu.state.keys.values()][0].id);
    await waitFor(() => pushes.length === 1);
    assert.equal(pushes[0].type === 'activity' && pushes[0].action.who, 'Kari');
    assert.ok(!sink.text().includes(secret), 'the secret is never logged');
    await driver.stop();
  });

  it('keeps the same secret across restarts (the URL registered at Unloc stays valid), or uses the configured one', async () => {
    const first = unlocDriver(base, { keyEvents: { listenPort: 0 } });
    await first.driver.start();
    await first.driver.listLocks();
    const url = emu.state.webhooks[0].webhookUrl;
    await first.driver.stop();
    const again = unlocDriver(base, { keyEvents: { listenPort: 0 } }, first.storage);
    await again.driver.start();
    await again.driver.listLocks();
    assert.equal(emu.state.webhooks.at(-1)?.webhookUrl.split('/').at(-1), url.split('/').at(-1));
    await again.driver.stop();
    const configured = unlocDriver(base, {
      keyEvents: {
        listenPort: 0,
        webhookUrl: 'https://doors.example.org/hooks/unloc/',
        secret: 'configured-secret-0001',
      },
    });
    await configured.driver.start();
    await configured.driver.listLocks();
    assert.ok(
      emu.state.webhooks.some(
        (w) => w.webhookUrl === 'https://doors.example.org/hooks/unloc/configured-secret-0001',
      ),
    );
    await configured.driver.stop();
  });
});
