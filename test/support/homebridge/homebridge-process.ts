import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentLine, repoRoot, type HomebridgeLine } from './lines';

const PACKAGE_NAME = '@lockbridge/homebridge-lockbridge';

export interface BridgeIdentity {
  username: string;
  pin: string;
}

/**
 * A new bridge identity. The bridge listens on port 0 (the system picks a free port as the child binds
 * it, so no other process can take it between a choice and the bind); `HomebridgeProcess.port()` reads
 * the port it got from its log.
 */
export function newIdentity(): BridgeIdentity {
  const hex = () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase();
  return { username: `CC:22:3D:${hex()}:${hex()}:${hex()}`, pin: '031-45-154' };
}

/**
 * A throwaway Homebridge home: -U storage with config.json, and a -P folder in which the package is
 * reachable under its own name (a symlink to the repository, whose dist/ must be built).
 */
export class HomebridgeHome {
  readonly root = mkdtempSync(join(tmpdir(), 'lockbridge-hb-'));
  readonly storage = join(this.root, 'storage');
  readonly plugins = join(this.root, 'plugins');

  /** `packageDir`: the plugin to load (default: this repository; the pack test passes an installed tarball). */
  constructor(packageDir: string = repoRoot) {
    mkdirSync(this.storage);
    const scope = join(this.plugins, PACKAGE_NAME.split('/')[0]);
    mkdirSync(scope, { recursive: true });
    symlinkSync(packageDir, join(this.plugins, PACKAGE_NAME), 'dir');
  }

  /** `bridge`: more bridge settings (the Matter test adds `matter` and binds to `lo`). */
  writeConfig(identity: BridgeIdentity, platforms: unknown[], bridge: Record<string, unknown> = {}): void {
    const config = {
      bridge: {
        name: 'Lockbridge Test',
        username: identity.username,
        port: 0,
        pin: identity.pin,
        bind: ['127.0.0.1'],
        advertiser: 'ciao',
        ...bridge,
      },
      accessories: [],
      platforms,
    };
    writeFileSync(join(this.storage, 'config.json'), JSON.stringify(config, null, 2));
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A Homebridge child process with its output collected, stopped by PID only. */
export class HomebridgeProcess {
  private output = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly line: HomebridgeLine,
  ) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const w of [...this.waiters]) w();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `extra`: more Node options and environment for the child (the Matter test's mDNS preload). */
  static start(
    home: HomebridgeHome,
    line: HomebridgeLine = currentLine(),
    extra: { nodeArgs?: string[]; env?: Record<string, string> } = {},
  ): HomebridgeProcess {
    const preload = join(__dirname, 'noop-advertiser.cjs');
    const child = spawn(
      process.execPath,
      [
        ...(extra.nodeArgs ?? []),
        '-r',
        preload,
        line.bin,
        '-U',
        home.storage,
        '-P',
        home.plugins,
        '--strict-plugin-resolution',
        '-D',
        '-T',
        '-Q',
      ],
      {
        cwd: home.root,
        env: {
          ...process.env,
          ...extra.env,
          LOCKBRIDGE_TEST_ADVERTISER: line.advertiser,
          FORCE_COLOR: '0',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new HomebridgeProcess(child, line);
  }

  /** The HAP port this bridge listens on (Homebridge logs it once the bridge is published). */
  async port(): Promise<number> {
    const match = await this.waitFor(/\) is running on port (\d+)\./);
    return Number(match[1]);
  }

  get log(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the output (already there or still to come). */
  waitFor(pattern: RegExp, timeoutMs = 45_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `Homebridge did not log ${pattern} within ${timeoutMs} ms. Output:\n${this.output.slice(-4000)}`,
          ),
        );
      }, timeoutMs);
      const onExit = () => {
        done();
        reject(
          new Error(`Homebridge exited before logging ${pattern}. Output:\n${this.output.slice(-4000)}`),
        );
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        this.child.off('exit', onExit);
      };
      this.waiters.add(check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** SIGKILL: Homebridge 1.x/2.1 wait ~5 s on SIGTERM, and shutdown is not what these tests check. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Local UDP ports held by a process (from /proc; Linux only): proves no mDNS socket (5353) was opened. */
export function udpPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = target.match(/^socket:\[(\d+)\]$/);
      if (m) inodes.add(m[1]);
    } catch {
      // the fd closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    if (!existsSync(table)) continue;
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}
