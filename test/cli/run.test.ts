import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePasswordHash, verifyPassword } from '../../src/mqtt/password-hash';
import { runCli } from './support';

/** `lockbridge run` and `hash-password` as users meet them: a child process, its output and exit code. */
describe('cli: lockbridge run refuses what cannot work, with exit code 2', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-run-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const sandboxConfig = async (name: string, mqtt: Record<string, unknown> = {}) => {
    const path = join(dir, name);
    await writeFile(
      path,
      JSON.stringify({ accounts: [{ vendor: 'sandbox', id: 'demo', vendors: ['august'] }], mqtt }),
    );
    return path;
  };

  it('exits 2 naming the folder when --data-dir is not writable', async () => {
    // A folder below a plain file cannot be made by anyone, root included.
    await writeFile(join(dir, 'a-file'), 'x');
    const dataDir = join(dir, 'a-file', 'data');
    const config = await sandboxConfig('plain.json', { embedded: { port: 0 } });
    const r = await runCli(['run', '--config', config, '--data-dir', dataDir]).done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /The data folder .*a-file\/data is not writable \(ENOTDIR\)/);
    assert.doesNotMatch(r.stdout, /is running/);
  });

  it('exits 2 naming the port and how to choose another when the broker port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const config = await sandboxConfig('taken.json', { embedded: { port } });
      const r = await runCli(['run', '--config', config, '--data-dir', join(dir, 'data-taken')]).done;
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
      assert.match(r.stderr, /--mqtt-port <n>/);
      assert.match(r.stderr, /mqtt\.embedded\.port/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits 2 naming mqtt.allowedUsers when it has no per-user credentials', async () => {
    const config = await sandboxConfig('allowed.json', { allowedUsers: ['ha'] });
    const r = await runCli(['run', '--config', config, '--data-dir', join(dir, 'data-allowed')]).done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /mqtt\.allowedUsers needs per-user credentials/);
  });

  it('hash-password prints a salted scrypt hash of the password on standard input', async () => {
    const r = await runCli(['hash-password'], {}, 'correct horse battery staple\n').done;
    assert.equal(r.code, 0, r.stderr);
    const parsed = parsePasswordHash(r.stdout.trim());
    assert.ok(parsed, r.stdout);
    assert.ok(await verifyPassword('correct horse battery staple', parsed));
    assert.ok(!r.stdout.includes('correct horse'));
  });
});
