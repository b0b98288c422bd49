import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import type { AugustEmulator } from '../../../src/emulators/august/server';
import { DEMO_ACCOUNT, type DemoHousehold } from '../../../src/emulators/august/seed';
import { loadAugustApi, redirectAugustClients, type Redirect } from '../../support/august-clients';
import { RawClient, startEmulator, until } from './helpers';

/** The part of august-api's API this test uses: subscribe(lockId, callback) -> unsubscribe. */
interface Subscriber {
  subscribe(
    lockId: string,
    callback: (message: Record<string, unknown>, timetoken: string) => void,
  ): Promise<(() => void) | undefined>;
}

/**
 * august-api 1.5.1's own PubNub subscribe (its bundled pubnub 5 SDK, unmodified) against the
 * emulator. That SDK always goes to https://ps.pndsn.com; while a test runs, https.request to a PubNub
 * host is sent to the emulator over plain http on 127.0.0.1 instead, and anything else is left alone.
 */
function redirectPubNub(target: string): { requested: string[]; restore(): void } {
  const url = new URL(target);
  const original = https.request;
  const requested: string[] = [];
  const patched = ((options: https.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
    const host = String(options.hostname ?? options.host ?? '');
    if (!/(^|\.)pndsn\.com$|(^|\.)pubnub\.com$/.test(host)) return original(options, callback);
    requested.push(`${host}${options.path ?? ''}`);
    return http.request(
      {
        ...options,
        protocol: 'http:',
        host: url.hostname,
        hostname: url.hostname,
        port: url.port,
        agent: undefined,
      },
      callback,
    );
  }) as typeof https.request;
  https.request = patched;
  return { requested, restore: () => void (https.request = original) };
}

describe('august emulator against npm august-api 1.5.1: subscribe (PubNub)', () => {
  let emu: AugustEmulator;
  let home: DemoHousehold;
  let rest: Redirect;
  let pubnub: ReturnType<typeof redirectPubNub>;

  beforeEach(async () => {
    ({ emu, home } = await startEmulator());
    rest = redirectAugustClients(emu.url);
    pubnub = redirectPubNub(emu.url);
  });
  afterEach(async () => {
    pubnub.restore();
    rest.restore();
    await emu.close();
  });

  it('receives a lock operated by another client, on the lock channel, with the brand subscribe key', async () => {
    const Client = loadAugustApi();
    const api = new Client({
      installId: randomUUID(),
      augustId: DEMO_ACCOUNT.email,
      password: DEMO_ACCOUNT.password,
      apiKey: emu.apiKey,
    }) as unknown as Subscriber;
    const messages: Array<Record<string, unknown>> = [];
    const unsubscribe = await api.subscribe(home.frontDoor.LockID, (m) => messages.push(m));
    try {
      await until(() => emu.live.connected > 0, 'august-api subscribed');
      const other = new RawClient(emu);
      await other.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
      assert.equal((await other.call('PUT', `/remoteoperate/${home.frontDoor.LockID}/unlock`)).status, 200);
      await until(() => messages.some((m) => m.status === 'kAugLockState_Unlocked'), 'unlock pushed');
      const unlocked = messages.find((m) => m.status === 'kAugLockState_Unlocked')!;
      assert.equal(unlocked.lockId, home.frontDoor.LockID, 'august-api names the lock from its channel');
      const channel = emu.lock(home.frontDoor.LockID).pubsubChannel;
      assert.ok(
        pubnub.requested.some((r) =>
          r.includes(`/v2/subscribe/sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f/${channel}/0`),
        ),
      );
    } finally {
      unsubscribe?.();
    }
    // Its leave call goes out after unsubscribe: wait for it, so nothing reaches the real PubNub.
    await until(() => pubnub.requested.some((r) => r.includes('/leave')), 'leave');
  });
});
