/**
 * Shared set-up of the Node-RED node tests: the Node-RED line that matches this Node.js (4.1 on
 * Node 20, 5 on Node >= 22), node-red-node-test-helper over it, and the compiled nodes from dist/nodes
 * (npm test builds first). The runtime modules the tests touch (emulators, errors) are loaded from
 * dist too, so classes are the same ones the nodes use.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeRedDir } from '../../support/runtime-line';
import type { DriverContext, DriverFactory, VendorDriver } from '../../../src/vendors/driver';

export const ROOT = resolve(__dirname, '../../..');
export const DIST = join(ROOT, 'dist');
const load = createRequire(__filename);

/** The folder of the Node-RED under test: 4.1 on Node 20, 5 on Node >= 22 (see runtime-line.ts). */
export const NODE_RED_DIR = nodeRedDir();

export function distModule<T>(rel: string): T {
  const path = join(DIST, rel);
  if (!existsSync(`${path}.js`)) throw new Error(`${rel}.js is not built: run npm run build first`);
  return load(path) as T;
}

export const NODE_TYPES = [
  'lockbridge-account',
  'lockbridge-lock',
  'lockbridge-state',
  'lockbridge-code',
  'lockbridge-share',
] as const;

/** The compiled node modules, as package.json lists them. */
export function lockbridgeNodes(): unknown[] {
  return NODE_TYPES.map((t) => distModule<unknown>(`nodes/${t}`));
}

/** Core nodes (catch, complete, ...) of the Node-RED line under test. */
export function coreNode(file: string): unknown {
  // Node-RED's own @node-red/nodes: nested in its folder, or hoisted beside it (line 2's install).
  const candidates = [
    join(NODE_RED_DIR, 'node_modules/@node-red/nodes/core', file),
    join(NODE_RED_DIR, '..', '@node-red/nodes/core', file),
  ];
  const found = candidates.find((c) => existsSync(c) || existsSync(`${c}.js`));
  if (!found) throw new Error(`Node-RED core node ${file} not found beside ${NODE_RED_DIR}`);
  return load(found);
}

export interface Msg {
  payload?: unknown;
  topic?: string;
  error?: {
    code: string;
    message: string;
    reasons?: Array<{ code: string; message: string }>;
    [k: string]: unknown;
  };
  _error?: { code: string; message: string; reasons?: unknown[] };
  [key: string]: unknown;
}

/** The parts of node-red-node-test-helper the tests use. */
export interface TestNode {
  id: string;
  receive(msg: object): void;
  on(event: string, listener: (arg: never) => void): void;
  status: unknown;
  [key: string]: unknown;
}

export interface Helper {
  init(path: string, settings?: object): void;
  settings(settings: object): object;
  startServer(done: (err?: Error) => void): void;
  stopServer(done: (err?: Error) => void): void;
  load(nodes: unknown[], flow: object[], credentials?: object): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
  request(): {
    get(path: string): SuperRequest;
    post(path: string): SuperRequest;
  };
  log(): { args: unknown[][] };
}

export interface SuperRequest extends PromiseLike<{
  status: number;
  body: Record<string, unknown>;
  text: string;
}> {
  send(body: object): SuperRequest;
  set(name: string, value: string): SuperRequest;
}

export const helper = load('node-red-node-test-helper') as Helper;
helper.init(load.resolve(NODE_RED_DIR));

export function startServer(): Promise<void> {
  return new Promise((res, rej) => helper.startServer((err) => (err ? rej(err) : res())));
}

export function stopServer(): Promise<void> {
  return new Promise((res, rej) => helper.stopServer((err) => (err ? rej(err) : res())));
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves with the next msg a helper node receives (rejects after `ms`, so no test hangs). */
export function nextMsg(node: TestNode, ms = 8000): Promise<Msg> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no msg reached ${node.id} within ${ms} ms`)), ms);
    node.on('input', (msg: never) => {
      clearTimeout(timer);
      res(msg as Msg);
    });
  });
}

/** Collects every msg a helper node receives. */
export function collect(node: TestNode): Msg[] {
  const out: Msg[] = [];
  node.on('input', (msg: never) => out.push(msg as Msg));
  return out;
}

/** Polls `check` until it is true (rejects after `ms`). */
export async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Text of every line Node-RED's log received (the helper spies on it). */
export function logText(): string {
  return helper
    .log()
    .args.map((a) => JSON.stringify(a))
    .join('\n');
}

/** The last status `node` showed (the helper's spy sits on Node.prototype, shared by all nodes). */
export function lastStatus(node: TestNode): { fill?: string; shape?: string; text?: string } | undefined {
  const spy = node.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  const calls = spy.getCalls().filter((c) => c.thisValue === node);
  return calls.at(-1)?.args[0] as { fill?: string; shape?: string; text?: string } | undefined;
}

interface DistErrors {
  errorFromJSON(value: unknown): Error;
}

/**
 * The test vendor's driver is TypeScript run by tsx and throws the src/ LockbridgeError class; the
 * hub under test is the compiled one and recognises only dist/'s class. This wrapper rebuilds every
 * error the driver throws as dist's class (same code, message, reasons), so typed errors survive.
 */
export function bridgeToDist(factory: DriverFactory): DriverFactory {
  const { errorFromJSON } = distModule<DistErrors>('src/core/errors');
  const convert = (err: unknown): unknown => {
    const e = err as { toJSON?: () => unknown; code?: unknown };
    return typeof e?.toJSON === 'function' && typeof e.code === 'string' ? errorFromJSON(e.toJSON()) : err;
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) => {
            try {
              const out = (value as (...a: unknown[]) => unknown).apply(t, args);
              return out instanceof Promise
                ? out.catch((err: unknown) => {
                    throw convert(err);
                  })
                : out;
            } catch (err) {
              throw convert(err);
            }
          };
        }
        if ((prop === 'codes' || prop === 'shares') && value && typeof value === 'object') return wrap(value);
        return value;
      },
    });
  return (account: unknown, context: DriverContext): VendorDriver => wrap(factory(account as never, context));
}
