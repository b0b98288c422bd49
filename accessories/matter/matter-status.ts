import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toLockbridgeError, type ErrorCode } from '../../src/core/errors';

/** Interaction model status codes (Matter Core specification, "Status Codes"). */
export const MATTER_STATUS = {
  failure: 0x01,
  unsupportedCommand: 0x81,
  timeout: 0x94,
  busy: 0x9c,
} as const;

/** The Matter status a failed lock command answers with. */
export function matterStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'lock_busy':
    case 'rate_limited':
      return MATTER_STATUS.busy;
    // Expired (never sent) and timeout (sent, no answer in time): the controller learns it took too long.
    case 'expired':
    case 'timeout':
      return MATTER_STATUS.timeout;
    case 'not_supported':
      return MATTER_STATUS.unsupportedCommand;
    default:
      return MATTER_STATUS.failure;
  }
}

/** Homebridge's `MatterStatus.MatterProtocolError` (a matter.js StatusResponseError): new (message, code). */
type ProtocolErrorClass = new (message: string, code: number) => Error;

let protocolError: ProtocolErrorClass | null | undefined;

/**
 * The error a Matter handler throws for a failed command. Homebridge sends a StatusResponseError's own
 * status to the controller and turns anything else into Failure (homebridge 2.1.0
 * `dist/matter/behaviors/DoorLockBehavior.js`), so the status class must be the one of the matter.js
 * that Homebridge itself loaded: it is taken from Homebridge's own install (its public `MatterStatus`
 * export), never from a dependency of this package. Where that fails (Node < 22.12 cannot require
 * Homebridge's ESM build), a plain Error still reaches the controller as Failure: never a success.
 */
export function matterCommandError(err: unknown): Error {
  const e = toLockbridgeError(err);
  const message = `${e.message} (${e.code})`;
  const ProtocolError = homebridgeProtocolError();
  return ProtocolError ? new ProtocolError(message, matterStatusOf(e.code)) : new Error(message);
}

function homebridgeProtocolError(): ProtocolErrorClass | null {
  if (protocolError !== undefined) return protocolError;
  protocolError = null;
  try {
    const dir = homebridgePackageDir();
    if (!dir) return protocolError;
    const load = createRequire(join(dir, 'package.json'));
    const hb = load(join(dir, 'dist', 'index.js')) as {
      MatterStatus?: { MatterProtocolError?: unknown };
    };
    const found = hb.MatterStatus?.MatterProtocolError;
    if (typeof found === 'function') protocolError = found as ProtocolErrorClass;
  } catch {
    // Homebridge's ESM build could not be required here: plain errors (Failure) it is.
  }
  return protocolError;
}

/** The folder of the running Homebridge: the script Node runs (bin/homebridge.js, or the child bridge fork) lives in it. */
function homebridgePackageDir(): string | undefined {
  const script = process.argv[1];
  if (!script) return undefined;
  let dir = dirname(realpathSync(script));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'homebridge') return dir;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
