import assert from 'node:assert/strict';
import { LockbridgeError } from '../../src/core/errors';
import { bridgeInfoOf } from '../../src/mqtt/bridge-info';
import { hashPassword } from '../../src/mqtt/password-hash';
import { resolveSettings } from '../../src/mqtt/settings';
import {
  ManualTimers,
  TestClient,
  isRecord,
  startBridgeFixture,
  tryJson,
  type BridgeFixture,
} from './support';

const FRONT = 'testvendor_front';
const LOCK_CODE = '135790';
const ACCOUNT_CODE = 'account-code-77';
const passwords = { alice: 'alice-pass-123', mallory: 'mallory-pass-123' } as const;

/** Every key of a JSON value, nested. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

describe('mqtt bridge: get, STATUS and bridge/info (issue 17, item 7)', function () {
  this.timeout(15_000);
  let f: BridgeFixture;
  const login = (username: keyof typeof passwords) => ({ username, password: passwords[username] });
  const vendorCalls = () =>
    f.hub.emulator.server.requestsTo('GET', /./).length +
    f.hub.emulator.server.requestsTo('POST', /./).length;

  before(async () => {
    f = await startBridgeFixture(
      {
        unlockCodes: { [FRONT]: LOCK_CODE },
        embedded: {
          port: 0,
          users: [
            { username: 'alice', passwordHash: await hashPassword(passwords.alice), rights: 'command' },
            { username: 'mallory', passwordHash: await hashPassword(passwords.mallory), rights: 'read' },
          ],
        },
      },
      { accountUnlockCodes: { tv: ACCOUNT_CODE } },
    );
  });
  after(async () => {
    await f.stop();
  });

  it('republishes a lock state on <lock>/get, for a read-only user too, without calling the vendor', async () => {
    const mallory = await TestClient.connect(f.bridge.brokerUrl, login('mallory'));
    await mallory.subscribe(`lockbridge/${FRONT}/state`);
    const topic = `lockbridge/${FRONT}/state`;
    await mallory.waitFor(topic, (_j, m) => m.retain);
    const calls = vendorCalls();
    await mallory.publish(`lockbridge/${FRONT}/get`, '');
    const again = await mallory.waitFor(topic, (_j, m) => !m.retain);
    assert.equal((tryJson(again.payload) as Record<string, unknown>).state, 'LOCKED');
    await mallory.publish('lockbridge/no_such_lock/get', '');
    await mallory.publish(`lockbridge/${FRONT}/get`, 'anything');
    await mallory.waitFor(topic, (_j, m) => !m.retain && m !== again);
    assert.equal(vendorCalls(), calls, 'no vendor call');
    assert.equal(f.hub.emulator.commands.length, 0);
    // A retained get would replay on every start: refused at the broker (the client is disconnected).
    mallory.client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => mallory.client.once('close', () => resolve()));
    mallory.client.publish(`lockbridge/${FRONT}/get`, '', { qos: 0, retain: true });
    await closed;
    await mallory.end();
  });

  it('takes a plain STATUS on set: a fresh reading, no unlock code, nothing actuated, state published again', async () => {
    const alice = await TestClient.connect(f.bridge.brokerUrl, login('alice'));
    await alice.subscribe(['lockbridge/bridge/response/#', `lockbridge/${FRONT}/state`]);
    await alice.waitFor(`lockbridge/${FRONT}/state`, (_j, m) => m.retain);
    const reads = vendorCalls();
    await alice.publish(`lockbridge/${FRONT}/set`, 'status');
    const response = await alice.waitFor('lockbridge/bridge/response/command');
    const body = tryJson(response.payload) as Record<string, Record<string, unknown>>;
    assert.equal(body.status as unknown, 'ok', JSON.stringify(body));
    assert.equal(body.data.command, 'STATUS');
    assert.ok(['response', 'readback'].includes(String(body.data.confirmedBy)), 'as the vendor read it');
    assert.equal((body.data.status as Record<string, unknown>).state, 'LOCKED');
    await alice.waitFor(`lockbridge/${FRONT}/state`, (_j, m) => !m.retain);
    assert.ok(vendorCalls() > reads, 'read from the vendor');
    assert.equal(f.hub.emulator.commands.length, 0, 'nothing actuated');
    const unknown = alice.waitFor(
      'lockbridge/bridge/response/command',
      (j) => isRecord(j) && j.status === 'error',
    );
    await alice.publish('lockbridge/no_such_lock/set', 'STATUS');
    assert.equal(
      (tryJson((await unknown).payload) as Record<string, Record<string, unknown>>).error.code,
      'not_found',
    );
    await alice.end();

    // set stays a command topic: a read-only user may not publish STATUS there either.
    const mallory = await TestClient.connect(f.bridge.brokerUrl, login('mallory'));
    mallory.client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => mallory.client.once('close', () => resolve()));
    mallory.client.publish(`lockbridge/${FRONT}/set`, 'STATUS', { qos: 0 });
    await closed;
    await mallory.end();
  });

  it('publishes bridge/info retained: version, settings summary and accounts, and no secret', async () => {
    const c = await TestClient.connect(f.bridge.brokerUrl, login('mallory'));
    await c.subscribe('lockbridge/bridge/info');
    const message = await c.waitFor('lockbridge/bridge/info');
    assert.equal(message.retain, true);
    const info = tryJson(message.payload) as {
      version: string;
      config: Record<string, unknown>;
      accounts: Array<Record<string, unknown>>;
    };
    assert.equal(info.version, '1.2.3');
    assert.equal(info.config.base_topic, 'lockbridge');
    assert.equal(info.config.guarded_locks, 1);
    assert.equal(info.config.guarded_accounts, 1);
    assert.deepEqual(info.accounts, [
      { account: 'tv', vendor: 'testvendor', state: 'connected', lock_count: 3, error: null },
    ]);
    const text = message.payload.toString('utf8');
    for (const secret of [LOCK_CODE, ACCOUNT_CODE, f.hub.emulator.apiKey, passwords.alice, passwords.mallory])
      assert.ok(!text.includes(secret), 'a secret in bridge/info');
    for (const key of keysOf(info))
      assert.doesNotMatch(key, /password|token|api_?key|secret|\bpin\b|unlock/i, `key ${key}`);
    // Only the bridge publishes it.
    c.client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
    c.client.publish('lockbridge/bridge/info', '{}', { qos: 0, retain: true });
    await closed;
    await c.end();
  });
});

describe('bridge/info summary', () => {
  it('is built from an allow-list: codes, passwords and account error messages stay out', () => {
    const settings = resolveSettings(
      {
        url: 'mqtt://user:broker-pass@127.0.0.1',
        password: 'broker-pass',
        unlockCodes: { a: '2468', b: '9999' },
        allowedUsers: ['alice'],
        responseTopicPrefix: 'replies',
      },
      { acct: 'acct-code-5' },
    );
    const error = new LockbridgeError('auth_failed', 'login failed for token tok-SECRET').toJSON();
    const info = bridgeInfoOf('9.9.9', settings, [
      { account: 'acct', vendor: 'seam', state: 'error', error, lockCount: 0 },
    ]);
    const text = JSON.stringify(info);
    for (const secret of ['broker-pass', '2468', '9999', 'acct-code-5', 'tok-SECRET', 'alice'])
      assert.ok(!text.includes(secret), secret);
    assert.equal(info.accounts[0].error, 'auth_failed');
    assert.equal(info.config.guarded_locks, 2);
    assert.equal(info.config.restricted_to_users, true);
    assert.equal(info.config.response_topic_prefix, 'replies');
  });

  it('shows the Home Assistant options in effect: defaults, and what is configured', () => {
    const defaults = bridgeInfoOf('9.9.9', resolveSettings({}), []);
    assert.deepEqual(defaults.config.home_assistant, {
      enabled: true,
      prefix: 'homeassistant',
      discovery: 'device',
      retain: true,
      device_names: 'auto',
    });
    const configured = bridgeInfoOf(
      '9.9.9',
      resolveSettings({
        homeAssistant: {
          enabled: false,
          prefix: 'ha/',
          discovery: 'entity',
          retain: false,
          deviceNames: 'vendor',
        },
      }),
      [],
    );
    assert.deepEqual(configured.config.home_assistant, {
      enabled: false,
      prefix: 'ha',
      discovery: 'entity',
      retain: false,
      device_names: 'vendor',
    });
  });
});

describe('mqtt bridge: bridge/health (issue 17, item 7)', function () {
  this.timeout(15_000);
  /** Timers fired by the test, remembering the interval each was set for. */
  class RecordingTimers extends ManualTimers {
    readonly intervals: number[] = [];
    override setTimeout(fn: () => void, ms?: number): unknown {
      this.intervals.push(ms ?? 0);
      return super.setTimeout(fn);
    }
  }
  let f: BridgeFixture;
  let offset = 0;
  const timers = new RecordingTimers();
  before(async () => {
    f = await startBridgeFixture(
      { healthIntervalSeconds: 30 },
      { healthTimers: timers, clock: { now: () => Date.now() + offset } },
    );
  });
  after(async () => {
    await f.stop();
  });

  it('publishes uptime, vendor calls and errors per account and queue depths, again at the configured interval', async () => {
    const c = await TestClient.connect(f.bridge.brokerUrl);
    await c.subscribe('lockbridge/bridge/health');
    // Not retained: a new subscriber waits for the next one.
    timers.fireAll();
    const first = await c.waitFor('lockbridge/bridge/health');
    assert.equal(first.retain, false);
    const h1 = tryJson(first.payload) as {
      uptime_seconds: number;
      mqtt_in_flight: number;
      commands_queued: number;
      accounts: Array<Record<string, unknown>>;
    };
    assert.equal(h1.mqtt_in_flight, 0);
    assert.equal(h1.commands_queued, 0);
    assert.equal(h1.accounts.length, 1);
    const a1 = h1.accounts[0];
    assert.equal(a1.account, 'tv');
    assert.equal(a1.state, 'connected');
    assert.ok(Number(a1.vendor_calls) >= 1, 'the start-up listing was counted');
    assert.equal(a1.vendor_errors, 0);
    assert.equal(a1.waiting_calls, 0);
    assert.ok(timers.intervals.includes(30_000), 'the configured interval');

    f.hub.emulator.server.faults.add({ count: 1, status: 500 });
    await f.hub.hub.refresh().catch(() => undefined);
    offset = 90_000;
    timers.fireAll();
    const second = await c.waitFor('lockbridge/bridge/health', (_j, m) => m !== first);
    const h2 = tryJson(second.payload) as typeof h1;
    assert.ok(h2.uptime_seconds >= 90);
    assert.ok(Number(h2.accounts[0].vendor_calls) > Number(a1.vendor_calls));
    assert.ok(Number(h2.accounts[0].vendor_errors) >= 1, 'the 500 was counted');
    await c.end();
  });

  it('reads the interval from mqtt.healthIntervalSeconds, 60 s by default', () => {
    assert.equal(resolveSettings({}).healthIntervalMs, 60_000);
    assert.equal(resolveSettings({ healthIntervalSeconds: 15 }).healthIntervalMs, 15_000);
  });
});
