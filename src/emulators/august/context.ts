import type { EmuRequest, EmuResponse } from '../kit/server';
import type { AugustState, EmuLock } from './state';
import type { AuthContext, EmulatorAuth } from './auth';

export type AuthedHandler = (req: EmuRequest, ctx: AuthContext) => EmuResponse | Promise<EmuResponse>;

export interface AugustEmulatorTiming {
  /** How long the bridge takes to run a remote operation (the real one: seconds). */
  opDelayMs: number;
  /** How long a PIN stays in created/updating/deleting/... before it settles. */
  pinDelayMs: number;
  /** How long a reserved PIN and slot are held (about 3 minutes upstream). */
  reserveHoldMs: number;
  /** How long an unlatched Type 17 lock reports unlatched before it is unlocked. */
  unlatchHoldMs: number;
}

/** What route modules get from the emulator. */
export interface EmuContext {
  state: AugustState;
  auth: EmulatorAuth;
  timing: AugustEmulatorTiming;
  /** Whether POST /session takes a password on this host. */
  passwordLogin(): boolean;
  now(): number;
  /** An authenticated route; the fresh token goes back in the family's token header. */
  route(
    method: string,
    pattern: string,
    handler: AuthedHandler,
    options?: { allowUnvalidated?: boolean },
  ): void;
  /** A route that checks only the app headers (login). */
  publicRoute(
    method: string,
    pattern: string,
    handler: (req: EmuRequest) => EmuResponse | Promise<EmuResponse>,
  ): void;
  /** Runs fn after ms; cleared when the emulator closes. */
  later(ms: number, fn: () => void): void;
  /** Sends a PubNub-like payload (plus lockID) to the websocket subscribers of the lock's users. */
  push(lock: EmuLock, payload: Record<string, unknown>): void;
  /** Closes the sockets of a deleted subscriber. */
  dropSubscriber(subscriberId: string): void;
  /** POSTs a JSON body to a webhook URL (loopback only in tests and the sandbox). */
  webhook(url: string | undefined, body: unknown): void;
}

export const ok = (body: unknown = { message: 'success' }, status = 200): EmuResponse => ({ status, body });
