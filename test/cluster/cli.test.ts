import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/support';

/** `lockbridge run` in cluster mode, as a user meets its refusals. */
describe('cluster: lockbridge run refuses what cannot work', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-cluster-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const seam = { vendor: 'seam', id: 's1', apiKey: 'seam_key_cli', baseUrl: 'http://127.0.0.1:9' };

  it('exits 2 naming mqtt.url when a cluster has no external broker', async () => {
    const config = join(dir, 'no-url.json');
    await writeFile(
      config,
      JSON.stringify({ accounts: [seam], cluster: { redis: 'redis://127.0.0.1:1', node: 'a' } }),
    );
    const r = await runCli(['run', '--config', config, '--data-dir', join(dir, 'd1')]).done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cluster needs mqtt\.url/);
  });

  it('names cluster.redis when Redis cannot be reached, and never prints its password', async () => {
    // A port nobody listens on: taken and closed again.
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((resolve) => s.close(resolve));
    const password = 'redis-secret-Xq7';
    const config = join(dir, 'no-redis.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [seam],
        mqtt: { url: 'mqtt://127.0.0.1:1' },
        cluster: { redis: `redis://:${password}@127.0.0.1:${port}`, node: 'a' },
      }),
    );
    const r = await runCli(['run', '--config', config, '--data-dir', join(dir, 'd2')]).done;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot reach Redis at 127\.0\.0\.1:\d+ \(cluster\.redis\)/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(password), 'the Redis password is never printed');
  });
});
