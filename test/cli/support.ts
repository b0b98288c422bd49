import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The compiled CLI, as users run it (npm test builds first); the TypeScript source when there is no build.
const BUILT = join(__dirname, '../../dist/src/cli.js');
const CLI_ARGS = existsSync(BUILT) ? [BUILT] : ['--import', 'tsx', join(__dirname, '../../src/cli.ts')];

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What the command printed so far. */
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lockbridge <args>` in a child process; `input` (if given) is its standard input. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliRun {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    done,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
