import assert from 'node:assert/strict';
import axios from 'axios';
import type { DriverPush } from '../../../src/vendors/driver';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { svixSignature } from '../../../src/emulators/seam/webhooks';
import type { SeamWebhook } from '../../../src/vendors/seam/types';
import { MemoryStorage } from '../../../src/core/storage';
import { eventually, startSeam, type Running } from '../../emulators/seam/helpers';
import { makeDriver, type DriverHarness } from './helpers';

describe('seam driver: webhook receiver', () => {
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  let h: DriverHarness;
  let storage: MemoryStorage;

  beforeEach(async () => {
    seam = await startSeam();
    ids = seam.emulator.demo as typeof ids;
    storage = new MemoryStorage();
    // The receiver listens on 127.0.0.1:<free port>; the URL given to Seam is that listener, as a
    // reverse proxy would forward it.
    h = makeDriver(
      {
        apiKey: SEAM_EMULATOR_API_KEY,
        baseUrl: seam.url,
        webhook: { url: 'http://placeholder.invalid/seam' },
      },
      { storage },
    );
  });
  afterEach(async () => {
    await h.driver.stop();
    await seam.emulator.close();
  });

  /** Starts the driver, then points the emulator's webhook at the receiver's real address. */
  async function startWithHook(): Promise<{ url: string; secret: string }> {
    await h.driver.start();
    const url = h.driver.webhookListenUrl as string;
    const stored = JSON.parse((await storage.read('webhook.json')) as string) as SeamWebhook;
    const hook = seam.emulator.state.webhooks.get(stored.webhook_id) as SeamWebhook;
    hook.url = `${url}/seam`;
    return { url: hook.url, secret: stored.secret as string };
  }

  it('registers one webhook, receives signed events as pushes and does not poll events/list', async () => {
    await startWithHook();
    assert.equal(seam.emulator.state.webhooks.size, 1);
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    seam.emulator.simulateManual(ids.nuki, false);
    await eventually(() => pushes.find((p) => p.type === 'activity'), 'webhook push');
    const activity = pushes.find((p) => p.type === 'activity');
    assert.ok(activity?.type === 'activity' && activity.action.how === 'manual');
    assert.equal(seam.emulator.server.requestsTo('POST', '/events/list').length, 0);
    assert.equal(h.driver.webhookReceiver?.stats.accepted, 1);
    // A restart reuses the stored webhook instead of registering a second one.
    await h.driver.stop();
    await h.driver.start();
    assert.equal(seam.emulator.state.webhooks.size, 1);
  });

  it('rejects bad signatures and stale timestamps, and drops duplicates', async () => {
    const { url, secret } = await startWithHook();
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    const event = {
      event_id: 'evt-1',
      event_type: 'lock.unlocked',
      workspace_id: 'w',
      created_at: new Date().toISOString(),
      occurred_at: new Date().toISOString(),
      device_id: ids.nuki,
      method: 'manual',
    };
    const body = JSON.stringify(event);
    const send = (headers: Record<string, string>, payload = body) =>
      axios.post(url, payload, {
        headers: { 'content-type': 'application/json', ...headers },
        validateStatus: () => true,
        proxy: false,
        transformRequest: (d: string) => d,
      });
    const now = Math.floor(Date.now() / 1000);
    const good = {
      'svix-id': 'msg_1',
      'svix-timestamp': String(now),
      'svix-signature': svixSignature(secret, 'msg_1', now, body),
    };

    assert.equal(
      (
        await send({
          ...good,
          'svix-signature': svixSignature(
            'whsec_' + Buffer.from('other-secret-bytes').toString('base64'),
            'msg_1',
            now,
            body,
          ),
        })
      ).status,
      401,
    );
    assert.equal((await send(good, body.replace('unlocked', 'locked'))).status, 401, 'tampered body');
    const old = now - 600;
    assert.equal(
      (
        await send({
          'svix-id': 'msg_1',
          'svix-timestamp': String(old),
          'svix-signature': svixSignature(secret, 'msg_1', old, body),
        })
      ).status,
      401,
      'replay',
    );
    assert.equal((await send({ 'svix-id': 'msg_1' })).status, 401, 'missing headers');
    assert.equal(pushes.length, 0);

    assert.equal((await send(good)).status, 204);
    assert.equal((await send(good)).status, 204);
    const otherId = {
      'svix-id': 'msg_2',
      'svix-timestamp': String(now),
      'svix-signature': svixSignature(secret, 'msg_2', now, body),
    };
    assert.equal((await send(otherId)).status, 204);
    assert.equal(pushes.filter((p) => p.type === 'activity').length, 1, 'one push per event id');
    assert.equal(h.driver.webhookReceiver?.stats.duplicates, 2);
    assert.equal(h.driver.webhookReceiver?.stats.rejected, 4);
    assert.ok(!h.sink.text().includes(secret));
  });
});
