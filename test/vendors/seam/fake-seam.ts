import http from 'node:http';
import type { AddressInfo } from 'node:net';
// The package ships ESM (dist/index.js) and CJS (dist/index.cjs) through "exports"; this CommonJS
// test (through tsx) resolves the "require" condition, so a plain import loads index.cjs.
import { createFake, type Fake } from '@seamapi/fake-seam-connect';

export interface RunningFake {
  fake: Fake;
  url: string;
  seed: Awaited<ReturnType<Fake['seed']>>;
  close(): Promise<void>;
}

/**
 * Seam's own fake server, in-process. Its startServer() calls server.listen(port) on every interface;
 * our tests may bind 127.0.0.1 only, so listen() is wrapped for the duration of that one call to pass
 * the host. Port 0 picks a free port, read back from the server.
 */
export async function startFake(): Promise<RunningFake> {
  const fake = await createFake();
  const seed = await fake.seed();
  const original = http.Server.prototype.listen;
  const patched = function (this: http.Server, ...args: unknown[]) {
    if (typeof args[0] === 'number' && typeof args[1] === 'function')
      return (original as (...a: unknown[]) => http.Server).call(this, args[0], '127.0.0.1', args[1]);
    return (original as (...a: unknown[]) => http.Server).apply(this, args);
  };
  http.Server.prototype.listen = patched as typeof original;
  let server;
  try {
    server = await fake.startServer({ port: 0, baseUrl: 'http://127.0.0.1' });
  } finally {
    http.Server.prototype.listen = original;
  }
  const address = server.server.address() as AddressInfo;
  if (address.address !== '127.0.0.1') throw new Error('fake-seam-connect is not on loopback');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    fake,
    url,
    seed,
    close: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections?.();
        server.server.close(() => resolve());
      }),
  };
}
