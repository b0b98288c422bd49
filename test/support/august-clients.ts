/**
 * The independent npm clients august-api and august-yale, pointed at an August emulator in-process.
 * Both hardcode https://api-production.august.com (and api.aaecosystem.com) and send every request
 * through tiny-json-http's get/post/put. Those three functions are wrapped while a redirect is active:
 * a request to one of the August hosts goes to the emulator on 127.0.0.1 instead, and any other
 * destination is refused, so nothing leaves 127.0.0.1.
 */
import { createRequire } from 'node:module';

const AUGUST_HOSTS = new Set(['api-production.august.com', 'api.aaecosystem.com']);
const METHODS = ['get', 'post', 'put', 'patch', 'del'] as const;

type TinyCall = (options: { url: string; [key: string]: unknown }) => Promise<unknown>;
type Tiny = Record<(typeof METHODS)[number], TinyCall>;

/** The tiny-json-http module instance a client package loads (there may be one per package). */
function tinyOf(pkg: string): Tiny {
  const requireFromTest = createRequire(__filename);
  const pkgJson = requireFromTest.resolve(`${pkg}/package.json`);
  return createRequire(pkgJson)('tiny-json-http') as Tiny;
}

export interface Redirect {
  /** Every URL the clients asked for, before rewriting. */
  readonly requested: string[];
  restore(): void;
}

/** Sends august-api's and august-yale's requests to `target` (http://127.0.0.1:port) until restore(). */
export function redirectAugustClients(target: string): Redirect {
  const origin = new URL(target);
  if (origin.hostname !== '127.0.0.1') throw new Error('The redirect target must be on 127.0.0.1');
  const requested: string[] = [];
  const undo: Array<() => void> = [];
  const wrapped = new Set<Tiny>();
  for (const pkg of ['august-api', 'august-yale']) {
    const tiny = tinyOf(pkg);
    if (wrapped.has(tiny)) continue;
    wrapped.add(tiny);
    for (const method of METHODS) {
      const original = tiny[method];
      tiny[method] = (options) => {
        requested.push(options.url);
        const url = new URL(options.url);
        if (!AUGUST_HOSTS.has(url.hostname))
          return Promise.reject(new Error(`Blocked a request to ${url.hostname}: tests stay on 127.0.0.1`));
        return original({ ...options, url: `${origin.origin}${url.pathname}${url.search}` });
      };
      undo.push(() => (tiny[method] = original));
    }
  }
  return { requested, restore: () => undo.splice(0).forEach((fn) => fn()) };
}

/** The part of both clients' API the tests use (august-api ships no types). */
export interface AugustNpmClient {
  token?: string | null;
  authorize(): Promise<boolean>;
  validate(code: string): Promise<boolean>;
  locks(): Promise<Record<string, { LockName: string; UserType?: string; HouseID?: string }> | undefined>;
  details(lockId: string): Promise<Record<string, unknown>>;
  status(lockId: string): Promise<Record<string, unknown> & { state?: Record<string, boolean> }>;
  lock(lockId: string): Promise<Record<string, unknown> & { state?: Record<string, boolean> }>;
  unlock(lockId: string): Promise<Record<string, unknown> & { state?: Record<string, boolean> }>;
}

export interface AugustNpmConfig {
  installId: string;
  augustId: string;
  password: string;
  apiKey: string;
  countryCode?: string;
}

export type AugustNpmClientClass = new (config: AugustNpmConfig) => AugustNpmClient;

export function loadAugustApi(): AugustNpmClientClass {
  return createRequire(__filename)('august-api') as AugustNpmClientClass;
}

export async function loadAugustYale(): Promise<AugustNpmClientClass> {
  const mod = (await import('august-yale')) as unknown as { default: AugustNpmClientClass };
  return mod.default;
}

/**
 * Runs fn with console.log/console.error captured: both clients print progress and swallow HTTP
 * errors into console.error. Returns what they printed.
 */
export async function capturingConsole<T>(fn: () => Promise<T>): Promise<{ result: T; printed: string[] }> {
  const printed: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    return { result: await fn(), printed };
  } finally {
    console.log = log;
    console.error = error;
  }
}
