import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { SmartphoneKeyEmulator, SpkWebhookSigning } from '../../../src/emulators/smartphonekey';
import type { SmartphoneKeyAccountConfig } from '../../../src/config/types';
import { LockbridgeError } from '../../../src/core/errors';
import { seededSpk } from '../../emulators/smartphonekey/fixture';
import { opts, spkDriver, waitFor } from './helpers';

type Auth = NonNullable<NonNullable<SmartphoneKeyAccountConfig['webhook']>['auth']>;

const SECRET = 'spk-webhook-shared-secret-1';

/** Each documented auth type: what the driver is configured with, and how the emulator signs. */
const CASES: Array<{ name: string; auth: Auth; signing: SpkWebhookSigning }> = [
  {
    name: 'hmac_sha256 (HMAC-SHA256 hex of the raw body in X-SPK-Signature)',
    auth: { type: 'hmac_sha256', secret: SECRET, header: 'X-SPK-Signature' },
    signing: { type: 'hmac_sha256', header: 'X-SPK-Signature', secret: SECRET },
  },
  {
    name: 'bearer_token',
    auth: { type: 'bearer_token', secret: SECRET },
    signing: { type: 'bearer_token', secret: SECRET },
  },
  {
    name: 'bearerToken (the newer name)',
    auth: { type: 'bearerToken', secret: SECRET },
    signing: { type: 'bearer_token', secret: SECRET },
  },
  {
    name: 'header (a custom header)',
    auth: { type: 'header', secret: SECRET, header: 'X-Partner-Secret' },
    signing: { type: 'header', header: 'X-Partner-Secret', secret: SECRET },
  },
  {
    name: 'apiKeyHeader (the newer name)',
    auth: { type: 'apiKeyHeader', secret: SECRET, header: 'X-Partner-Secret' },
    signing: { type: 'header', header: 'X-Partner-Secret', secret: SECRET },
  },
];

const forgedShadow = JSON.stringify({
  id: 'forged-1',
  source: 'spk.iot.shadow',
  'detail-type': 'Shadow Update',
  detail: { thingName: 'spk-lock-101', reportedState: '{"available":true,"1/257/0":2}', version: 9 },
});

describe('SmartphoneKey webhook authentication (every documented type, constant time)', () => {
  let emu: SmartphoneKeyEmulator;
  let base: string;
  beforeEach(async () => {
    emu = seededSpk();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  for (const c of CASES) {
    it(`${c.name}: signed deliveries move the state, forged ones are refused`, async () => {
      const { driver, pushes, sink } = spkDriver(base, {
        webhook: { listenHost: '127.0.0.1', listenPort: 0, auth: c.auth },
      });
      await driver.start();
      const url = driver.webhookUrl as string;
      const post = (headers: Record<string, string>, body = forgedShadow) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        }).then((r) => r.status);
      // Forged: nothing, a wrong secret, a signature of another body, the secret in the wrong place.
      const header = (c.auth.header ?? 'authorization').toLowerCase();
      const wrong =
        c.auth.type === 'hmac_sha256' ? createHmac('sha256', SECRET).update('{}').digest('hex') : 'x';
      assert.equal(await post({}), 401);
      assert.equal(await post({ [header]: wrong }), 401);
      assert.equal(await post({ [header]: `Bearer ${SECRET}-not` }), 401);
      if (c.auth.type !== 'hmac_sha256') assert.equal(await post({ 'x-spk-signature': SECRET }), 401);
      assert.equal(pushes.length, 0);
      // Signed by the emulator as SmartphoneKey would: every shadow delivery is taken (answered 200,
      // which the listener does only after authorizing), and the state ends at the relock.
      emu.setWebhook(url, { signing: c.signing });
      await driver.command('101', 'OPEN', opts());
      await waitFor(() => {
        const shadows = emu.deliveries.filter((d) => d.detailType === 'Shadow Update');
        return (
          emu.lock(101).opens === 1 &&
          emu.lock(101).shadow.reported['1/257/0'] === 1 &&
          shadows.length >= 3 &&
          shadows.every((d) => d.status === 200)
        );
      }, 10_000);
      const states = pushes.flatMap((p) => (p.type === 'status' && p.status.state ? [p.status.state] : []));
      assert.equal(states.at(-1), 'LOCKED');
      assert.ok(!sink.text().includes(SECRET), 'the secret is never logged');
      await driver.stop();
    });
  }

  it('a HMAC over a tampered body is refused', async () => {
    const { driver, pushes } = spkDriver(base, {
      webhook: { listenPort: 0, auth: { type: 'hmac_sha256', secret: SECRET } },
    });
    await driver.start();
    const signed = createHmac('sha256', SECRET).update(forgedShadow).digest('hex');
    const tampered = forgedShadow.replace('"version":9', '"version":10');
    assert.notEqual(tampered, forgedShadow);
    const status = await fetch(driver.webhookUrl as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spk-signature': signed },
      body: tampered,
    }).then((r) => r.status);
    assert.equal(status, 401);
    assert.deepEqual(pushes, []);
    await driver.stop();
  });

  it("an authenticated delivery naming another partner than the lock's organisation is ignored", async () => {
    const { driver, pushes } = spkDriver(base, {
      webhook: { listenPort: 0, auth: { type: 'bearer_token', secret: SECRET } },
    });
    await driver.start();
    const send = (partnerId: string, version: number) =>
      fetch(driver.webhookUrl as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({
          id: `p-${partnerId}-${version}`,
          source: 'spk.iot.shadow',
          'detail-type': 'Shadow Update',
          detail: {
            partnerId,
            thingName: 'spk-lock-101',
            reportedState: '{"available":true,"1/257/0":2}',
            version,
          },
        }),
      }).then((r) => r.status);
    // Lock 101 belongs to org-a (basic-info); the documents say to confirm detail.partnerId.
    assert.equal(await send('org-b', 5), 200);
    assert.equal(pushes.length, 0);
    assert.equal(await send('org-a', 6), 200);
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0].type === 'status' && pushes[0].status.state, 'UNLOCKED');
    await driver.stop();
  });

  it('a custom-header type without a header name is a configuration error', () => {
    assert.throws(
      () => spkDriver(base, { webhook: { listenPort: 0, auth: { type: 'header', secret: SECRET } } }),
      (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_config',
    );
  });
});
