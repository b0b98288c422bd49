import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { FileStorage } from '../../src/core/storage';
import { LockHub } from '../../src/hub/hub';
import type { VendorAccountConfig } from '../../src/config/types';
import type { DriverFactory, DriverLock } from '../../src/vendors/driver';
import { TwoFactorRelay } from '../../accessories/two-factor/relay';
import { createTwoFactorUi } from '../../accessories/two-factor/ui-handlers';
import { requestFile } from '../../accessories/two-factor/mailbox';
import { repoRoot } from '../support/homebridge/lines';

const CODE = '482913';
const PASSWORD = 'hunter2-very-secret';

/** A vendor whose login stops at a two-factor code, like August's, and stores a token once verified. */
const twoFactorVendor: DriverFactory = (config, ctx) => {
  let verified = false;
  const lock: DriverLock = {
    vendorLockId: 'l1',
    name: 'Porch',
    manufacturer: 'August',
    model: 'Wi-Fi',
    capabilities: ['lock', 'unlock', 'lock_state'],
    status: {
      state: 'LOCKED',
      door: 'unknown',
      battery: null,
      batteryLow: false,
      online: true,
      lastAction: null,
    },
  };
  return {
    vendor: 'august',
    account: config.id,
    async start() {
      if (!verified && !(await ctx.storage.read('token')))
        throw new LockbridgeError('two_factor_required', 'A code was sent to your email');
      verified = true;
    },
    async stop() {},
    async listLocks() {
      return [lock];
    },
    async getLock() {
      return lock;
    },
    async command() {
      return {};
    },
    async requestTwoFactorCode() {
      ctx.logger.info('code sent again');
    },
    async submitTwoFactorCode(code: string) {
      if (code !== CODE) throw new LockbridgeError('auth_failed', 'Wrong two-factor code');
      verified = true;
      await ctx.storage.write('token', 'tok-from-vendor-123');
    },
  };
};

type Ui = ReturnType<typeof createTwoFactorUi>;
type UiStatus = Awaited<ReturnType<Ui['status']>>;

/** The relay writes its status file asynchronously; waits until it says what the test expects. */
async function statusWhen(ui: Ui, accept: (s: UiStatus) => boolean): Promise<UiStatus> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = await ui.status();
    if (accept(status) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two-factor login from the settings UI, without config.json or a restart', function () {
  this.timeout(20_000);
  let dir: string;
  let hub: LockHub;
  let relay: TwoFactorRelay;
  let logs: MemorySink;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockbridge-2fa-'));
    logs = new MemorySink();
    const storage = new FileStorage(join(dir, 'lockbridge'));
    const account = {
      vendor: 'august',
      id: 'home',
      brand: 'august',
      identifier: 'email:me@example.com',
      password: PASSWORD,
    };
    hub = new LockHub({
      accounts: [account as VendorAccountConfig],
      drivers: { august: twoFactorVendor },
      storage,
      logger: new RedactingLogger(logs),
    });
    await hub.start();
    relay = new TwoFactorRelay(storage, hub, new RedactingLogger(logs), 20);
    relay.sync();
  });

  afterEach(async () => {
    await relay.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the waiting account, refuses a wrong code, completes with the right one and stores the token', async () => {
    const ui = createTwoFactorUi(dir, { pollMs: 20, timeoutMs: 5000 });
    const status = await statusWhen(ui, (s) => s.accounts.length > 0);
    assert.equal(status.running, true);
    assert.deepEqual(
      status.accounts.map((a) => [a.account, a.state]),
      [['home', 'two_factor_required']],
    );

    await assert.rejects(
      ui.submit({ account: 'home', code: '000000' }),
      (e: LockbridgeError) => e.code === 'auth_failed',
    );
    assert.equal(existsSync(join(dir, 'lockbridge', requestFile('home'))), false, 'no code left on disk');
    await ui.resend({ account: 'home' });

    await ui.submit({ account: 'home', code: CODE });
    assert.equal(hub.accounts()[0].state, 'connected');
    assert.equal((await hub.listLocks()).length, 1);
    assert.ok(
      existsSync(join(dir, 'lockbridge', 'accounts', 'home', 'token')),
      'token in the storage folder',
    );
    await statusWhen(ui, (s) => s.accounts[0]?.state === 'connected');
    const text = logs.text();
    assert.doesNotMatch(text, new RegExp(`${CODE}|000000|${PASSWORD}`));
  });

  it('rejects malformed input before anything is written', async () => {
    const ui = createTwoFactorUi(dir, { pollMs: 20, timeoutMs: 200 });
    await assert.rejects(ui.submit({ account: 'home', code: 'abc' }), /4 to 8 digits/);
    await assert.rejects(ui.submit({ account: '../etc', code: CODE }), /Unknown account/);
    await assert.rejects(ui.submit(null), /Unknown account/);
    await relay.stop();
    await assert.rejects(
      ui.submit({ account: 'home', code: CODE }),
      (e: LockbridgeError) => e.code === 'timeout',
    );
    assert.equal(existsSync(join(dir, 'lockbridge', requestFile('home'))), false);
  });

  it('homebridge-ui/server.js answers the UI through @homebridge/plugin-ui-utils', async () => {
    await statusWhen(createTwoFactorUi(dir), (s) => s.accounts.length > 0);
    const child = fork(join(repoRoot, 'homebridge-ui', 'server.js'), [], {
      env: { ...process.env, HOMEBRIDGE_STORAGE_PATH: dir },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    try {
      const messages: Array<{
        action: string;
        payload: { requestId?: number; success?: boolean; data?: unknown };
      }> = [];
      child.on('message', (m) => messages.push(m as (typeof messages)[number]));
      const waitFor = async (pred: (m: (typeof messages)[number]) => boolean) => {
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          const hit = messages.find(pred);
          if (hit) return hit;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('the UI server did not answer');
      };
      await waitFor((m) => m.action === 'ready');
      child.send({ action: 'request', requestId: 1, path: '/status', body: {} });
      const status = await waitFor((m) => m.action === 'response' && m.payload.requestId === 1);
      assert.equal(status.payload.success, true);
      assert.equal(
        (status.payload.data as { accounts: Array<{ state: string }> }).accounts[0].state,
        'two_factor_required',
      );
      child.send({
        action: 'request',
        requestId: 2,
        path: '/two-factor/submit',
        body: { account: 'home', code: CODE },
      });
      const submitted = await waitFor((m) => m.action === 'response' && m.payload.requestId === 2);
      assert.equal(submitted.payload.success, true);
      assert.equal(hub.accounts()[0].state, 'connected');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
