import assert from 'node:assert/strict';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AugustEmulator } from '../../src/emulators/august/server';
import type * as AugustSeed from '../../src/emulators/august/seed';
import type * as Mqtt from '../../src/mqtt';
import type * as RuntimeModule from '../../src/runtime';
import type * as Core from '../../src/core';
import {
  distModule,
  helper,
  lastStatus,
  lockbridgeNodes,
  logText,
  nextMsg,
  startServer,
  stopServer,
  until,
  collect,
} from './support/harness';
import { accountReady, placed, useSettings } from './support/fixtures';

const PASSWORD = 'lockbridge-2fa';

describe('nodes: lockbridge-account (config node, admin endpoints)', function () {
  let settings: { userDir: string; remove(): void };

  before(startServer);
  after(stopServer);
  beforeEach(() => {
    settings = useSettings();
  });
  afterEach(async () => {
    await helper.unload();
    settings.remove();
  });

  describe('an August account that needs a two-factor code (August emulator)', function () {
    let emulator: AugustEmulator;

    beforeEach(async () => {
      const { AugustEmulator: Emu } = distModule<{ AugustEmulator: new (o: object) => AugustEmulator }>(
        'src/emulators/august/server',
      );
      const seed = distModule<typeof AugustSeed>('src/emulators/august/seed');
      emulator = new Emu({ opDelayMs: 10, pinDelayMs: 10 });
      seed.seedDemoHousehold(emulator);
      const url = await emulator.start();
      await helper.load(
        lockbridgeNodes(),
        [
          {
            id: 'acc',
            type: 'lockbridge-account',
            mode: 'vendor',
            vendor: 'august',
            brand: 'august',
            identifier: `email:${seed.DEMO_TWO_FACTOR.email}`,
            baseUrl: url,
          },
          ...placed([
            { id: 'tab1', type: 'tab' },
            {
              id: 'n1',
              type: 'lockbridge-lock',
              z: 'tab1',
              account: 'acc',
              lock: '',
              wires: [['ok'], ['err']],
            },
            { id: 'ok', type: 'helper', z: 'tab1' },
            { id: 'err', type: 'helper', z: 'tab1' },
          ]),
        ],
        { acc: { password: PASSWORD, apiKey: emulator.apiKey } },
      );
      await accountReady();
    });
    afterEach(async () => {
      await helper.unload();
      await emulator.close();
    });

    it('waits for the code, takes it through the admin endpoints, then lists locks; no secret leaves', async () => {
      const seed = distModule<typeof AugustSeed>('src/emulators/august/seed');
      const texts: string[] = [];
      let res = await helper.request().get('/lockbridge/accounts/acc/status');
      texts.push(res.text);
      assert.equal(res.status, 200);
      assert.equal(res.body.state, 'two_factor_required');
      assert.equal(lastStatus(helper.getNode('n1'))?.text, 'two-factor needed');

      res = await helper.request().get('/lockbridge/accounts/acc/locks');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.locks, []);

      res = await helper.request().post('/lockbridge/accounts/acc/two-factor/request').send({});
      assert.equal(res.status, 200, res.text);

      res = await helper.request().post('/lockbridge/accounts/acc/two-factor').send({ code: '000000' });
      texts.push(res.text);
      assert.ok(res.status >= 400 && res.status < 500 && res.status !== 401, `refused: ${res.status}`);
      res = await helper.request().post('/lockbridge/accounts/acc/two-factor').send({ code: 'drop table' });
      assert.equal(res.status, 400);
      assert.equal((res.body.error as { code: string }).code, 'invalid_input');

      res = await helper
        .request()
        .post('/lockbridge/accounts/acc/two-factor')
        .send({ code: seed.DEMO_TWO_FACTOR.code });
      texts.push(res.text);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.state, 'connected');
      await until(
        () => lastStatus(helper.getNode('n1'))?.text === 'node-red:common.status.connected',
        'connected',
      );

      res = await helper.request().get('/lockbridge/accounts/acc/locks');
      const locks = res.body.locks as Array<{ id: string; name: string; capabilities: string[] }>;
      assert.ok(locks.length >= 3, 'the household locks are listed');
      assert.ok(locks.every((l) => l.id.startsWith('august_') && Array.isArray(l.capabilities)));

      const everything = [...texts, res.text, logText()].join('\n');
      assert.doesNotMatch(everything, new RegExp(PASSWORD), 'the password never shows');
      assert.doesNotMatch(everything, new RegExp(emulator.apiKey), 'nor the API key');
      assert.doesNotMatch(everything, new RegExp(seed.DEMO_TWO_FACTOR.code), 'nor the two-factor code');

      // Tokens are kept under <userDir>/lockbridge/<account>, readable by the owner only.
      const dir = join(settings.userDir, 'lockbridge', 'nr-acc');
      assert.ok(existsSync(dir));
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.ok(files.length > 0);
      for (const f of files) assert.equal(statSync(join(f.parentPath, f.name)).mode & 0o077, 0);
    });

    it('closes its connection when the flow stops', async () => {
      const acc = helper.getNode('acc') as unknown as {
        connection: { current(): unknown; view(): { state: string } };
      };
      assert.ok(acc.connection.current());
      await helper.unload();
      assert.equal(acc.connection.current(), undefined);
      assert.equal(acc.connection.view().state, 'stopped');
    });
  });

  it('answers admin requests for an unknown account with 404, and a bad config with invalid_config', async () => {
    await helper.load(lockbridgeNodes(), [
      { id: 'bad', type: 'lockbridge-account', mode: 'vendor', vendor: 'seam' },
      ...placed([
        { id: 'tab1', type: 'tab' },
        { id: 'n1', type: 'lockbridge-lock', z: 'tab1', account: 'bad', lock: 'x', wires: [['ok'], ['err']] },
        { id: 'ok', type: 'helper', z: 'tab1' },
        { id: 'err', type: 'helper', z: 'tab1' },
      ]),
    ]);
    let res = await helper.request().get('/lockbridge/accounts/nope/locks');
    assert.equal(res.status, 404);
    await until(() => lastStatus(helper.getNode('n1'))?.text === 'invalid_config', 'error status');
    res = await helper.request().get('/lockbridge/accounts/bad/status');
    assert.equal(res.body.state, 'error');
    assert.match(JSON.stringify(res.body.error), /apiKey/);
    const got = nextMsg(helper.getNode('err'));
    helper.getNode('n1').receive({ payload: 'LOCK' });
    assert.equal((await got).error?.code, 'invalid_config');
  });

  it('connects to a running lockbridge daemon over MQTT (remote mode)', async () => {
    const { createRuntime } = distModule<typeof RuntimeModule>('src/runtime');
    const { startMqttBridge } = distModule<typeof Mqtt>('src/mqtt/index');
    const core = distModule<typeof Core>('src/core/index');
    const runtime = await createRuntime(
      { accounts: [{ id: 'daemon', vendor: 'sandbox', vendors: ['seam'] }] },
      { storage: new core.MemoryStorage(), logger: core.silentLogger },
    );
    const bridge = await startMqttBridge({
      source: runtime.hub,
      config: { embedded: { host: '127.0.0.1', port: 0 }, baseTopic: 'lbtest' },
      logger: core.silentLogger,
    });
    try {
      await helper.load(lockbridgeNodes(), [
        {
          id: 'remote',
          type: 'lockbridge-account',
          mode: 'mqtt',
          mqttUrl: bridge.brokerUrl,
          baseTopic: 'lbtest',
        },
        ...placed([
          { id: 'tab1', type: 'tab' },
          {
            id: 's1',
            type: 'lockbridge-state',
            z: 'tab1',
            account: 'remote',
            lock: '',
            events: 'all',
            wires: [['out']],
          },
          {
            id: 'l1',
            type: 'lockbridge-lock',
            z: 'tab1',
            account: 'remote',
            lock: '',
            command: 'STATUS',
            wires: [['ok'], ['err']],
          },
          { id: 'out', type: 'helper', z: 'tab1' },
          { id: 'ok', type: 'helper', z: 'tab1' },
          { id: 'err', type: 'helper', z: 'tab1' },
        ]),
      ]);
      await accountReady('remote');
      const current = collect(helper.getNode('out'));
      helper.getNode('s1').receive({});
      await until(() => current.length >= 3, 'the daemon locks');
      const front = current.find((m) => m.name === 'Front Door');
      assert.ok(front, 'the daemon publishes Front Door');
      const got = nextMsg(helper.getNode('ok'));
      helper.getNode('l1').receive({ lock: front.lock });
      assert.equal((await got).payload, front.payload);
    } finally {
      await helper.unload();
      await bridge.stop();
      await runtime.stop();
    }
  });
});
