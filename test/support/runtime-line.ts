/**
 * Which Homebridge and Node-RED the tests run against.
 *
 * Line 1 (Node 20): Homebridge 1.11 and Node-RED 4.1, the repository's devDependencies.
 * Line 2 (Node >= 22): Homebridge 2.x and Node-RED 5, which refuse Node 20. They live in their own
 * small install, test/line2/ (`npm run install:line2`), so that `npm install` on Node 20 installs
 * nothing that warns about an unsupported engine. On Node 22 without that install the suite runs
 * line 1's packages (both support Node 22) and says so once; with LOCKBRIDGE_REQUIRE_LINE2 set (CI)
 * it fails instead.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const LINE2_MODULES = join(REPO_ROOT, 'test', 'line2', 'node_modules');

export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

let told = false;

/** True when this run uses line 2's Homebridge 2.x and Node-RED 5. */
export function usesLine2(): boolean {
  if (NODE_MAJOR < 22) return false;
  if (existsSync(join(LINE2_MODULES, 'homebridge', 'package.json'))) return true;
  const message =
    'Homebridge 2.x and Node-RED 5 (test line 2) are not installed: run `npm run install:line2`; ' +
    'testing Homebridge 1.11 and Node-RED 4.1 on this Node instead';
  if (process.env.LOCKBRIDGE_REQUIRE_LINE2)
    throw new Error(`${message} - but LOCKBRIDGE_REQUIRE_LINE2 is set`);
  if (!told) console.log(`      (${message})`);
  told = true;
  return false;
}

/** The folder of the Homebridge package under test. */
export function homebridgeDir(): string {
  return usesLine2() ? join(LINE2_MODULES, 'homebridge') : join(REPO_ROOT, 'node_modules', 'homebridge');
}

/** The folder of the Node-RED package under test (the one with red.js). */
export function nodeRedDir(): string {
  return usesLine2() ? join(LINE2_MODULES, 'node-red') : join(REPO_ROOT, 'node_modules', 'node-red');
}

/** Every Node-RED package installed here (line 1's always; line 2's when present). */
export function installedNodeRedDirs(): string[] {
  const line2 = join(LINE2_MODULES, 'node-red');
  return [
    join(REPO_ROOT, 'node_modules', 'node-red'),
    ...(existsSync(join(line2, 'package.json')) ? [line2] : []),
  ];
}
