/**
 * The package as npm ships it: `npm pack` carries the built code (and nothing of the tests), and the
 * packed tarball, installed into a fresh folder with its runtime dependencies only, loads in a fresh
 * Homebridge and a fresh Node-RED. This is what a user gets from `npm install`, not the repository.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HomebridgeHome, HomebridgeProcess, newIdentity } from '../support/homebridge/homebridge-process';
import { repoRoot } from '../support/homebridge/lines';
import { NODE_TYPES } from '../nodes/support/harness';
import { startNodeRed, type NodeRedProcess } from '../nodes/support/node-red-process';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PACKAGE = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  bin: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
};

interface PackedFile {
  path: string;
}

/**
 * `npm pack --dry-run --json` of the repository. --ignore-scripts: `npm test` has just built dist/,
 * so the package's `prepare` build need not run again here (it does for a real pack or publish).
 */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [report] = JSON.parse(stdout) as Array<{ files: PackedFile[] }>;
  return report.files.map((f) => f.path);
}

describe('package: what npm pack ships', function () {
  this.timeout(120_000);
  let files: string[];

  before(async function () {
    if (!existsSync(join(repoRoot, 'dist', 'src', 'cli.js')))
      throw new Error('dist/ is not built: npm run build');
    files = await packedFiles();
  });

  it('has the CLI, the Homebridge entry and every Node-RED node (.js and .html)', () => {
    const wanted = [
      PACKAGE.bin.lockbridge,
      PACKAGE.main,
      'config.schema.json',
      ...Object.values(PACKAGE['node-red'].nodes).flatMap((js) => [js, js.replace(/\.js$/, '.html')]),
    ].map((p) => p.replace(/^\.\//, ''));
    assert.equal(PACKAGE.bin.lockbridge, 'dist/src/cli.js');
    for (const path of wanted) assert.ok(files.includes(path), `${path} is in the package`);
  });

  it('ships no tests, no TypeScript sources and no source maps that point at missing sources', () => {
    const unwanted = files.filter(
      (f) =>
        f.startsWith('test/') ||
        f.startsWith('dist/test/') ||
        f.includes('.test.') ||
        f.endsWith('.map') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    assert.deepEqual(unwanted, []);
  });
});

describe('package: the packed tarball installed into a fresh Homebridge and a fresh Node-RED', function () {
  this.timeout(240_000);
  let work: string;
  let installed: string;
  let bridge: HomebridgeProcess | undefined;
  let home: HomebridgeHome | undefined;
  let red: NodeRedProcess | undefined;

  before(async function () {
    work = mkdtempSync(join(tmpdir(), 'lockbridge-pack-'));
    const { stdout } = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
    const prefix = join(work, 'install');
    // Runtime dependencies only, as a user's npm install gets them (the cache has them after the
    // repository's own install, so this does not need more than the registry the clone used).
    await run(
      npm,
      [
        'install',
        '--prefix',
        prefix,
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--prefer-offline',
        join(work, filename),
      ],
      { cwd: work, maxBuffer: 64 * 1024 * 1024 },
    );
    installed = join(prefix, 'node_modules', ...PACKAGE.name.split('/'));
    assert.ok(existsSync(join(installed, 'dist', 'src', 'cli.js')));
  });

  after(async () => {
    await bridge?.kill();
    home?.remove();
    await red?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('Homebridge loads the installed plugin and its platform runs the sandbox locks', async () => {
    home = new HomebridgeHome(installed);
    home.writeConfig(newIdentity(), [
      { platform: 'Lockbridge', name: 'Lockbridge', accounts: [{ vendor: 'sandbox', id: 'demo' }] },
    ]);
    bridge = HomebridgeProcess.start(home);
    const [, count] = await bridge.waitFor(/Lockbridge is running: (\d+) lock\(s\)/, 90_000);
    assert.ok(Number(count) > 0);
    assert.match(bridge.log, /Loaded plugin: @lockbridge\/homebridge-lockbridge/);
    assert.doesNotMatch(bridge.log, /Cannot find module|ERROR LOADING PLUGIN/i);
  });

  it('Node-RED loads the five node types from the installed package', async () => {
    red = await startNodeRed({}, installed);
    const res = await fetch(`${red.url}/nodes`, { headers: { accept: 'application/json' } });
    const sets = (
      (await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>
    ).filter((s) => s.module === PACKAGE.name);
    assert.ok(
      sets.every((s) => s.enabled && !s.err),
      JSON.stringify(sets),
    );
    assert.deepEqual(sets.flatMap((s) => s.types).sort(), [...NODE_TYPES].sort());
  });
});
