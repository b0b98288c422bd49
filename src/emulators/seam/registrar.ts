import type { SeamActionAttempt } from './types';
import type { Params } from './params';

export interface RouteContext {
  baseUrl: string;
  /** Answers a copy of the attempt; with `sync: true`, waits until it is no longer pending. */
  settle(attempt: SeamActionAttempt, p: Params): Promise<SeamActionAttempt>;
}

export type SeamRouteHandler = (
  p: Params,
  ctx: RouteContext,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** How route files add their routes to the Seam emulator (reads take GET and POST, like Seam). */
export interface Registrar {
  add(path: string, handler: SeamRouteHandler, methods?: string[]): void;
}
