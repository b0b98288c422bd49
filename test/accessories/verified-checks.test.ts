import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../support/homebridge/lines';

/**
 * The automated checks of Homebridge's verified-plugin program (homebridge/verified,
 * src/plugin-checks/workspace/index.ts), run on this repository instead of an npm install. The network
 * checks (GitHub repository public with issues and releases, npm latest not deprecated) are left out.
 */
type Json = Record<string, unknown>;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Json;
const schemaFile = JSON.parse(readFileSync(join(repoRoot, 'config.schema.json'), 'utf8')) as Json;
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
};
const req = createRequire(__filename);
const { satisfies } = req('semver') as { satisfies(version: string, range: string): boolean };

describe('Homebridge verified-plugin checks (A1)', () => {
  it('package.json: https homepage and bugs.url', () => {
    assert.match(String(pkg.homepage), /^https:\/\//);
    assert.match(String((pkg.bugs as Json | undefined)?.url), /^https:\/\//);
  });

  it('package.json: keywords hold homebridge-plugin and more', () => {
    const keywords = pkg.keywords as string[];
    assert.ok(keywords.includes('homebridge-plugin'));
    assert.ok(keywords.length > 1);
  });

  it('package.json: no preinstall, install or postinstall script', () => {
    const scripts = (pkg.scripts ?? {}) as Json;
    for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(scripts[s], undefined, s);
  });

  it('package.json: engines.node covers Node 20 and 22; engines.homebridge covers 1.x and 2.x', () => {
    const engines = pkg.engines as { node: string; homebridge: string };
    for (const node of ['20.12.0', '20.20.2', '22.12.0', '22.23.3'])
      assert.ok(satisfies(node, engines.node), node);
    for (const hb of ['1.8.0', '1.11.4', '2.1.0', '2.4.0']) assert.ok(satisfies(hb, engines.homebridge), hb);
  });

  // The checker of 2024 also wanted Node 18; Node 18 is end-of-life (2025-04-30) and the project
  // supports the maintained lines only, as its foundation issue states.
  it('package.json: engines.node is the supported lines, 20.9+, 22 and 24, and not end-of-life Node 18', () => {
    const node = String((pkg.engines as Json).node);
    assert.equal(node, '^20.9.0 || ^22 || ^24');
    assert.ok(satisfies('24.0.0', node));
    assert.ok(!satisfies('18.20.1', node));
  });

  it('package.json: main yields an initializer function (dist/ built)', () => {
    const main = join(repoRoot, String(pkg.main));
    assert.ok(existsSync(main), `${main} exists (run npm run build)`);
    const mod = req(main) as unknown;
    const initializer = typeof mod === 'function' ? mod : (mod as { default?: unknown }).default;
    assert.equal(typeof initializer, 'function');
  });

  it('config.schema.json: valid JSON with a string pluginAlias, pluginType platform and a name property', () => {
    assert.equal(typeof schemaFile.pluginAlias, 'string');
    assert.equal(schemaFile.pluginType, 'platform');
    const name = ((schemaFile.schema as Json).properties as Json).name as Json;
    assert.ok(name && Object.keys(name).length > 0);
  });

  it('config.schema.json and the custom UI are shipped', () => {
    const files = pkg.files as string[];
    assert.ok(files.includes('config.schema.json'));
    assert.ok(files.includes('homebridge-ui'));
    assert.ok(existsSync(join(repoRoot, 'homebridge-ui', 'server.js')));
    assert.ok(existsSync(join(repoRoot, 'homebridge-ui', 'public', 'index.html')));
  });

  it('dependencies: homebridge and hap-nodejs are not installed with the package', () => {
    const deps = { ...(pkg.dependencies as Json), ...((pkg.peerDependencies as Json | undefined) ?? {}) };
    for (const name of ['homebridge', 'hap-nodejs', '@homebridge/hap-nodejs']) {
      assert.equal(deps[name], undefined, `${name} is not a dependency`);
    }
    // Nor pulled in transitively: every copy in the lock file is dev-only.
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (/node_modules\/(homebridge|hap-nodejs|@homebridge\/hap-nodejs)$/.test(path)) {
        assert.ok(entry.dev === true || entry.devOptional === true, `${path} is a dev-only package`);
      }
    }
  });
});
