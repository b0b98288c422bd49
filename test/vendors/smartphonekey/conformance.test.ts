import assert from 'node:assert/strict';
import { LockHub } from '../../../src/hub/hub';
import { MemorySink, RedactingLogger } from '../../../src/core/logger';
import { MemoryStorage } from '../../../src/core/storage';
import type { LockState } from '../../../src/core/model';
import type { SmartphoneKeyAccountConfig, VendorAccountConfig } from '../../../src/config/types';
import { SmartphoneKeyDriver } from '../../../src/vendors/smartphonekey';
import type { SmartphoneKeyEmulator } from '../../../src/emulators/smartphonekey';
import { SPK, seededSpk } from '../../emulators/smartphonekey/fixture';
import { checkEnvelope, checkRequest, checkResponse, checkShadowDelivery, documentPath } from './documents';
import { opts, spkDriver, waitFor } from './helpers';

/** Every delivery the emulator makes, as the receiver sees it. */
function captureDeliveries(emu: SmartphoneKeyEmulator): { bodies: unknown[]; url: () => Promise<string> } {
  const bodies: unknown[] = [];
  return {
    bodies,
    url: async () => {
      const { createServer } = await import('node:http');
      const server = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          bodies.push(JSON.parse(raw));
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      after(() => new Promise<void>((r) => server.close(() => r())));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      emu.setWebhook(`http://127.0.0.1:${port}/`);
      return `http://127.0.0.1:${port}/`;
    },
  };
}

describe("SmartphoneKey conformance with the vendor's published documents", () => {
  let emu: SmartphoneKeyEmulator;
  let base: string;

  beforeEach(async () => {
    emu = seededSpk();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('every request the driver sends is a documented path with a documented body', async () => {
    const { driver } = spkDriver(base);
    await driver.start();
    await driver.listLocks();
    await driver.command('101', 'OPEN', opts('c-1'));
    await driver.getLock('102');
    const added = await driver.shares.share('101', { kind: 'key', lockId: 'x', userId: SPK.bob });
    await driver.shares.list('101');
    await driver.shares.share('101', {
      kind: 'revoke_key',
      lockId: 'x',
      keyId: added.data?.keyUuid as string,
    });
    const sent = emu.server.requests;
    const paths = new Set(sent.map((r) => `${r.method} ${documentPath(r.path) ?? r.path}`));
    assert.deepEqual([...paths].sort(), [
      'GET /locks/{id}/basic-info',
      'GET /locks/{id}/details',
      'GET /locks/{id}/events',
      'GET /users/{id}/accessible-locks',
      'GET /users/{id}/owned-locks',
      'POST /locks/{id}/AddKey',
      'POST /locks/{id}/OpenLock',
      'POST /locks/{id}/RemoveKey',
    ]);
    for (const r of sent) {
      checkRequest(r.method, r.path, r.method === 'GET' ? undefined : r.body);
      // components.securitySchemes: BearerAuth (JWT) or ApiKeyAuth (X-API-Key).
      assert.match(r.headers.authorization ?? '', /^Bearer \S+$/);
    }
    // A wrong body is caught by the same check, so the check can fail.
    assert.throws(() => checkRequest('POST', '/locks/101/OpenLock', { requestId: 7 }), /requestId/);
    assert.throws(() => checkRequest('POST', '/locks/101/AddKey', { userId: SPK.bob }), /keyUuid/);
  });

  it('every answer the emulator gives is the documented response for its status', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'x-api-key': SPK.keyA, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as unknown;
      checkResponse(method, path, res.status, json);
      return { status: res.status, body: json };
    };
    assert.equal((await call('POST', '/locks/101/OpenLock', { requestId: 'r1', reason: 'x' })).status, 200);
    assert.equal((await call('GET', '/locks/101/basic-info')).status, 200);
    assert.equal((await call('GET', '/locks/101/details')).status, 200);
    assert.equal((await call('GET', '/locks/101/events?page=1')).status, 200);
    assert.equal((await call('POST', '/locks/101/AddKey', { keyUuid: 'k-1', userId: SPK.bob })).status, 200);
    assert.equal((await call('POST', '/locks/101/RemoveKey', { keyUuid: 'k-1' })).status, 200);
    assert.equal((await call('GET', `/users/${SPK.alice}/owned-locks`)).status, 200);
    assert.equal((await call('GET', `/users/${SPK.alice}/accessible-locks`)).status, 200);
    emu.failShadowUpdates(1);
    assert.equal((await call('POST', '/locks/101/OpenLock', { requestId: 'r2' })).status, 502);
    assert.equal((await call('GET', '/locks/999/basic-info')).status, 404);
    // The documented answer for owned-locks requires totalCount and source: the check can fail.
    assert.throws(
      () => checkResponse('GET', '/users/u/owned-locks', 200, { locks: [] }),
      /totalCount|source/,
    );
  });

  it('the emulator delivers the documented envelopes: Shadow Update with stringified Matter state', async () => {
    const capture = captureDeliveries(emu);
    await capture.url();
    await fetch(`${base}/locks/101/OpenLock`, {
      method: 'POST',
      headers: { 'x-api-key': SPK.keyA, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: 'd-1' }),
    });
    await waitFor(() => capture.bodies.length >= 4, 10_000);
    for (const body of capture.bodies) {
      const b = body as { source: string };
      if (b.source === 'spk.iot.shadow') checkShadowDelivery(body);
      else checkEnvelope(body);
    }
    assert.ok(capture.bodies.some((b) => (b as { source: string }).source === 'spk.iot.shadow'));
  });

  it('a documented Shadow Update moves the lock state in the hub, end to end (issue 15)', async () => {
    const bearer = 'hub-e2e-bearer-0001';
    let driver: SmartphoneKeyDriver | undefined;
    const account: SmartphoneKeyAccountConfig = {
      vendor: 'smartphonekey',
      id: 'spk',
      baseUrl: base,
      jwt: SPK.jwtAlice,
      userId: SPK.alice,
      webhook: { listenHost: '127.0.0.1', listenPort: 0, auth: { type: 'bearer_token', secret: bearer } },
    };
    const hub = new LockHub({
      accounts: [account as VendorAccountConfig],
      drivers: {
        smartphonekey: (a, c) => (driver = new SmartphoneKeyDriver(a as SmartphoneKeyAccountConfig, c)),
      },
      storage: new MemoryStorage(),
      logger: new RedactingLogger(new MemorySink()),
      pollIntervalMs: 60_000,
      commandTimeoutMs: 5000,
    });
    await hub.start();
    try {
      assert.ok(driver?.webhookUrl);
      emu.setWebhook(driver.webhookUrl, { bearer });
      emu.relockDelayMs = 150;
      const lockId = 'smartphonekey_101';
      assert.equal((await hub.getLock(lockId)).status.state, 'UNKNOWN');
      const seen: LockState[] = [];
      hub.subscribe((e) => {
        if (e.type === 'state' && e.lock.id === lockId) seen.push(e.lock.status.state);
      });
      // The open goes to the vendor; the device's shadow reports unlatched, then locked again.
      const result = await hub.command({ lockId, command: 'OPEN' });
      assert.equal(result.confirmedBy, 'momentary');
      // Done when the device has opened and relocked and every shadow delivery was answered (the
      // listener hands a delivery on before it answers it).
      await waitFor(() => {
        const lock = emu.lock(101);
        const shadows = emu.deliveries.filter((d) => d.detailType === 'Shadow Update');
        return (
          lock.opens === 1 &&
          lock.shadow.reported['1/257/0'] === 1 &&
          shadows.length >= 3 &&
          shadows.every((d) => d.status === 200)
        );
      }, 10_000);
      assert.ok(seen.includes('OPEN'));
      assert.equal(seen.at(-1), 'LOCKED');
      assert.equal((await hub.getLock(lockId)).status.state, 'LOCKED');
      assert.equal((await hub.getLock(lockId)).status.battery, 90, 'BatPercentRemaining 180 half-percent');
      // The device goes offline: the shadow's `available` reaches the hub too.
      let offline = false;
      hub.subscribe((e) => {
        if (e.type === 'state' && e.lock.id === lockId && !e.lock.status.online) offline = true;
      });
      emu.setOnline(101, false);
      await waitFor(() => offline, 10_000);
      // And an OPEN to it is refused before anything is sent.
      const openCalls = emu.server.requestsTo('POST', '/locks/101/OpenLock').length;
      const refused = await hub.command({ lockId, command: 'OPEN' }).catch((e: unknown) => e);
      assert.equal(
        (refused as { code?: string }).code ?? (refused as { error?: { code?: string } }).error?.code,
        'lock_offline',
      );
      assert.equal(emu.server.requestsTo('POST', '/locks/101/OpenLock').length, openCalls);
    } finally {
      await hub.stop();
    }
  });
});
