/**
 * A real Node-RED (its own runtime, its own CLI) on 127.0.0.1 and a free port, with a temporary
 * userDir into whose node_modules this package is linked, the way a user installs it. Killed by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_RED_DIR, ROOT, tempDir } from './harness';

export interface NodeRedProcess {
  url: string;
  userDir: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Node-RED with the Lockbridge package in its user folder. `packageDir` is the package to
 * install there (default: this repository; the pack test passes an install of the packed tarball).
 */
export async function startNodeRed(
  extraSettings: Record<string, unknown> = {},
  packageDir: string = ROOT,
): Promise<NodeRedProcess> {
  const tmp = tempDir('lockbridge-node-red-');
  const userDir = tmp.dir;
  const scope = join(userDir, 'node_modules', '@lockbridge');
  mkdirSync(scope, { recursive: true });
  symlinkSync(packageDir, join(scope, 'homebridge-lockbridge'), 'dir');
  writeFileSync(
    join(userDir, 'package.json'),
    JSON.stringify({
      name: 'node-red-project',
      private: true,
      dependencies: { '@lockbridge/homebridge-lockbridge': '*' },
    }),
  );
  const settings = join(userDir, 'settings.js');
  writeFileSync(
    settings,
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      // Port 0: Node-RED binds a port the system picks and logs it; nothing can take it in between.
      uiPort: 0,
      userDir,
      flowFile: 'flows.json',
      credentialSecret: 'lockbridge-test-only',
      logging: { console: { level: 'info', metrics: false, audit: false } },
      editorTheme: { tours: false, projects: { enabled: false }, palette: { editable: false } },
      diagnostics: { enabled: false },
      runtimeState: { enabled: false },
      telemetry: { enabled: false },
      ...extraSettings,
    })};\n`,
  );
  const redJs = join(NODE_RED_DIR, 'red.js');
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [redJs, '-u', userDir, '-s', settings], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_HOME: userDir },
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    tmp.remove();
  };
  const end = Date.now() + 30_000;
  let running: RegExpMatchArray | null;
  while (!(running = out.match(/Server now running at http:\/\/127\.0\.0\.1:(\d+)\//))) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`Node-RED did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${running[1]}`;
  return { url, userDir, output: () => out, stop };
}
