import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AugustEmulator, type AugustEmulatorOptions } from '../../../src/emulators/august/server';
import { seedDemoHousehold, type DemoHousehold } from '../../../src/emulators/august/seed';
import { FAMILY_HEADERS, type AugustFamily } from '../../../src/vendors/august/brands';

/** Test timing: a few ms for everything asynchronous. */
export const FAST: AugustEmulatorOptions = {
  opDelayMs: 5,
  pinDelayMs: 15,
  unlatchHoldMs: 30,
  reserveHoldMs: 60_000,
};

export async function startEmulator(
  options: AugustEmulatorOptions = {},
  branding: 'august' | 'yale' = 'august',
): Promise<{ emu: AugustEmulator; home: DemoHousehold }> {
  const emu = new AugustEmulator({ ...FAST, ...options });
  const home = seedDemoHousehold(emu, branding);
  await emu.start();
  return { emu, home };
}

export interface RawResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Plain fetch with a family's header names, so the emulator's header checks are tested as such. */
export class RawClient {
  token?: string;
  branding: string;
  constructor(
    private readonly emu: AugustEmulator,
    readonly family: AugustFamily = emu.family,
    branding?: string,
  ) {
    this.branding = branding ?? (family === 'august' ? 'august' : 'yale');
  }

  headers(extra: Record<string, string> = {}, auth = true): Record<string, string> {
    const names = FAMILY_HEADERS[this.family];
    const h: Record<string, string> = {
      'content-type': 'application/json',
      [names.apiKey]: this.emu.apiKey,
      [names.branding]: this.branding,
      ...extra,
    };
    if (auth && this.token) h[names.accessToken] = this.token;
    return h;
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<RawResponse> {
    const res = await fetch(this.emu.url + path, {
      method,
      headers: this.headers(extra),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(email: string, password: string, installId = 'install-1'): Promise<RawResponse> {
    const res = await this.call('POST', '/session', { installId, identifier: `email:${email}`, password });
    const token = res.headers.get(FAMILY_HEADERS[this.family].accessToken);
    if (token) this.token = token;
    return res;
  }
}

/** A loopback webhook receiver. */
export async function webhookReceiver(): Promise<{
  url: string;
  received: unknown[];
  close(): Promise<void>;
}> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(data) as unknown;
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls until check() is truthy (bounded: the emulator's delays are a few ms in tests). */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what = 'condition',
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
