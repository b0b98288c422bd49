import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseArgs, UsageError } from '../../src/cli/args';
import { runCli } from './support';

describe('cli: arguments', () => {
  it('parses run and demo', () => {
    assert.deepEqual(parseArgs(['run', '--config', 'c.json', '--data-dir', '/d']), {
      command: 'run',
      config: 'c.json',
      dataDir: '/d',
      verbose: false,
    });
    assert.deepEqual(parseArgs(['demo', '--mqtt-port', '0']), {
      command: 'demo',
      mqttPort: 0,
      verbose: false,
    });
    assert.deepEqual(parseArgs(['demo']), { command: 'demo', mqttPort: 1883, verbose: false });
    assert.deepEqual(parseArgs(['--help']), { command: 'help' });
    assert.deepEqual(parseArgs(['run', '--config', 'c.json', '--mqtt-port', '1884']), {
      command: 'run',
      config: 'c.json',
      dataDir: undefined,
      mqttPort: 1884,
      verbose: false,
    });
    assert.deepEqual(parseArgs(['hash-password']), { command: 'hash-password' });
  });

  it('refuses bad arguments with a usage error', () => {
    for (const argv of [
      ['run'],
      ['run', '--config'],
      ['demo', '--mqtt-port', '70000'],
      ['demo', '--mqtt-port', 'abc'],
      ['fly'],
      ['demo', '--config', 'x'],
      ['run', 'x'],
      ['run', '--config', 'c.json', '--mqtt-port', '-1'],
      ['hash-password', '--verbose'],
    ]) {
      assert.throws(() => parseArgs(argv), UsageError, argv.join(' '));
    }
  });
});

describe('cli: the lockbridge command', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints help and exits 0', async () => {
    const r = await runCli(['--help']).done;
    assert.equal(r.code, 0);
    assert.match(r.stdout, /lockbridge run --config <file>/);
    assert.match(r.stdout, /lockbridge demo \[--mqtt-port <n>\]/);
  });

  it('exits 2 with a clear message and no stack trace on bad arguments', async () => {
    const r = await runCli(['demo', '--mqtt-port', 'lots']).done;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--mqtt-port must be a port number/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('exits 2 on a missing, unparsable or invalid config, naming the field and never a secret', async () => {
    const missing = await runCli(['run', '--config', join(dir, 'nope.json')]).done;
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Config file not found/);

    await writeFile(join(dir, 'broken.json'), '{"accounts": [ {"password": "HUNTER2SECRET"');
    const broken = await runCli(['run', '--config', join(dir, 'broken.json')]).done;
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON/);
    assert.doesNotMatch(broken.stderr, /HUNTER2SECRET/);

    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ accounts: [{ vendor: 'seam', id: 'x', apikey: 'SEAMSECRET_abc' }] }),
    );
    const bad = await runCli(['run', '--config', join(dir, 'bad.json')]).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /accounts\[0\]\.apiKey is required/);
    assert.match(bad.stderr, /accounts\[0\]\.apikey is not a known setting/);
    assert.doesNotMatch(bad.stderr, /SEAMSECRET_abc/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  it('runs the demo: prints the broker, publishes the locks on MQTT, and stops cleanly on SIGINT', async () => {
    const run = runCli(['demo', '--mqtt-port', '0']);
    const out = run;
    let broker: string | undefined;
    for (let i = 0; i < 200 && !broker; i++) {
      await new Promise((r) => setTimeout(r, 100));
      broker = /MQTT broker: (mqtt:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)?.[1];
    }
    assert.ok(broker, `no broker line in: ${out.stdout}`);
    const client = await mqtt.connectAsync(broker);
    try {
      const locks = await new Promise<Array<{ id: string }>>((resolve) => {
        client.on('message', (topic, payload) => {
          if (topic === 'lockbridge/bridge/locks')
            resolve(JSON.parse(payload.toString()) as Array<{ id: string }>);
        });
        void client.subscribeAsync('lockbridge/bridge/locks');
      });
      assert.ok(locks.length >= 4, `the sandbox publishes its locks (${locks.length})`);
    } finally {
      await client.endAsync();
    }
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
  });
});
