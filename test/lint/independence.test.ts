/**
 * The emulators are a second, independent reading of each vendor API: the lint rule in
 * eslint.config.mjs refuses an import from src/vendors/ in src/emulators/ and the reverse, so a build
 * that adds one fails at `npm test`'s lint step. Checked here with ESLint's own API, and on the tree.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../support/runtime-line';

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, filePath) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('lint: emulators and drivers never import each other', function () {
  this.timeout(60_000);

  it('refuses an emulator that imports a driver type', async () => {
    const messages = await lintAs(
      'src/emulators/seam/probe.ts',
      "import type { SeamDevice } from '../../vendors/seam/types';\nexport type X = SeamDevice;\n",
    );
    assert.equal(messages.length, 1);
    assert.match(messages[0], /independent reading/);
  });

  it('refuses a driver that imports an emulator', async () => {
    const messages = await lintAs(
      'src/vendors/august/probe.ts',
      "import { AugustEmulator } from '../../emulators/august';\nexport const Y = AugustEmulator;\n",
    );
    assert.equal(messages.length, 1);
  });

  it('lets an emulator import the kit and core', async () => {
    const messages = await lintAs(
      'src/emulators/seam/probe.ts',
      "import { EmulatorServer } from '../kit';\nexport const Z = EmulatorServer;\n",
    );
    assert.deepEqual(messages, []);
  });

  it('holds on the tree: no file under src/emulators names src/vendors in an import, nor the reverse', () => {
    const imports = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map(
        (m) => m[1],
      );
    const crossing = [
      ...tsFiles(join(REPO_ROOT, 'src', 'emulators')).filter((f) =>
        imports(f).some((i) => /(^|\/)vendors(\/|$)/.test(i)),
      ),
      ...tsFiles(join(REPO_ROOT, 'src', 'vendors')).filter((f) =>
        imports(f).some((i) => /(^|\/)emulators(\/|$)/.test(i)),
      ),
    ];
    assert.deepEqual(crossing, []);
  });
});
