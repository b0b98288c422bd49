// Compiles the TypeScript to dist/ (CommonJS) and copies what Node-RED and Homebridge load beside the
// compiled code: each node's .html, and the nodes' locales/ and icons/ folders (Node-RED's loader looks
// for them next to the .js file).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const nodesSrc = join(root, 'nodes');
const nodesOut = join(root, 'dist', 'nodes');
if (existsSync(nodesSrc)) {
  for (const entry of readdirSync(nodesSrc, { withFileTypes: true })) {
    const from = join(nodesSrc, entry.name);
    if (entry.isDirectory() && (entry.name === 'locales' || entry.name === 'icons')) {
      cpSync(from, join(nodesOut, entry.name), { recursive: true });
    } else if (entry.isFile() && entry.name.endsWith('.html')) {
      cpSync(from, join(nodesOut, entry.name));
    }
  }
}
const cli = join(root, 'dist', 'src', 'cli.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
