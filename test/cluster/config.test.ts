import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/validate';
import { resolveClusterSettings } from '../../src/cluster/config';

const seam = { vendor: 'seam', id: 's1', apiKey: 'seam_key_1' };

describe('cluster: configuration', () => {
  it('turns on with cluster.redis and cluster.node and an external broker', () => {
    const config = validateConfig({
      accounts: [seam],
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      cluster: { redis: 'redis://127.0.0.1:6379', node: 'node-a' },
    });
    const s = resolveClusterSettings(config.cluster!);
    assert.equal(s.node, 'node-a');
    assert.equal(s.leaseMs, 15_000);
    assert.ok(
      s.renewEveryMs * 2 + s.safetyMarginMs < s.leaseMs,
      'two renewals fit before the local deadline',
    );
  });

  it('refuses what a cluster cannot work with, naming the field', () => {
    const bad = [
      [{ accounts: [seam], cluster: { redis: 'redis://r', node: 'a' } }, /cluster needs mqtt\.url/],
      [
        {
          accounts: [seam],
          mqtt: { url: 'mqtt://b', clientId: 'x' },
          cluster: { redis: 'redis://r', node: 'a' },
        },
        /mqtt\.clientId/,
      ],
      [
        {
          accounts: [{ vendor: 'sandbox', id: 'demo' }],
          mqtt: { url: 'mqtt://b' },
          cluster: { redis: 'redis://r', node: 'a' },
        },
        /sandbox/,
      ],
      [
        { accounts: [seam], mqtt: { url: 'mqtt://b' }, cluster: { redis: 'redis://r' } },
        /cluster\.node is required/,
      ],
      [
        { accounts: [seam], mqtt: { url: 'mqtt://b' }, cluster: { redis: 'http://r', node: 'a' } },
        /cluster\.redis/,
      ],
      [
        { accounts: [seam], mqtt: { url: 'mqtt://b' }, cluster: { redis: 'redis://r', node: 'a b' } },
        /cluster\.node/,
      ],
    ] as const;
    for (const [config, message] of bad)
      assert.throws(
        () => validateConfig(config),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'invalid_config');
          assert.match(e.message, message);
          return true;
        },
      );
  });

  it('changes nothing without cluster', () => {
    assert.equal(validateConfig({ accounts: [seam] }).cluster, undefined);
  });
});
