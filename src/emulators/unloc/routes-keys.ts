import { randomUUID } from 'node:crypto';
import { EmulatorHttpError, type EmulatorServer, type EmuRequest } from '../kit';
import { V1 as UNLOC_PATHS } from './api';
import { readRecurrence } from './recurrence';
import { ADMIN_PREFIX, type UnlocAuth } from './auth';
import { E164, lockIn } from './routes-locks';
import type { EmuKey, UnlocState } from './state';

export interface KeyRouteOptions {
  /** How long a key stays `creating` before it turns `active`. */
  keyActivationDelayMs(): number;
  later(fn: () => void, ms: number): void;
  now(): number;
}

function body(req: EmuRequest): Record<string, unknown> {
  return (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
}

function isoOrNull(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    throw new EmulatorHttpError(400, `${field} must be an ISO 8601 date or null`, {
      error: 'ValidationError',
    });
  return value;
}

/** Keys (async creating -> active), roles and key-event webhooks: all need lockHolder.admin. */
export function registerKeyRoutes(
  server: EmulatorServer,
  state: UnlocState,
  auth: UnlocAuth,
  options: KeyRouteOptions,
): void {
  const admin = (req: EmuRequest) => auth.require(req, [ADMIN_PREFIX + req.params.lh]);

  server.route('GET', UNLOC_PATHS.keys, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    const keys = [...state.keys.values()].filter((k) => k.lockId === lock.id);
    return { status: 200, body: { keys: keys.map((k) => state.keyView(k)) } };
  });

  server.route('GET', UNLOC_PATHS.holderKeys, (req) => {
    admin(req);
    if (!state.lockHolders.has(req.params.lh))
      throw new EmulatorHttpError(404, 'Lock holder not found', { error: 'NotFound' });
    const keys = [...state.keys.values()].filter((k) => k.lockHolderId === req.params.lh);
    return { status: 200, body: { keys: keys.map((k) => state.keyView(k)) } };
  });

  server.route('POST', UNLOC_PATHS.keys, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    const b = body(req);
    if (typeof b.userId !== 'string' || !E164.test(b.userId))
      throw new EmulatorHttpError(400, 'userId must be an E.164 phone number', { error: 'ValidationError' });
    const start = isoOrNull(b.start, 'start');
    const end = isoOrNull(b.end, 'end');
    if (start && end && Date.parse(end) <= Date.parse(start))
      throw new EmulatorHttpError(400, 'end must be after start', { error: 'ValidationError' });
    const recurrence = readRecurrence(b.recurrence);
    if (
      b.durationMinutes !== undefined &&
      (typeof b.durationMinutes !== 'number' ||
        !Number.isInteger(b.durationMinutes) ||
        b.durationMinutes <= 0)
    )
      throw new EmulatorHttpError(400, 'durationMinutes must be a positive integer', {
        error: 'ValidationError',
      });
    const key: EmuKey = {
      id: randomUUID(),
      toUser: { id: b.userId, name: undefined, imageUrl: null },
      lockId: lock.id,
      start,
      end,
      created: new Date(options.now()).toISOString(),
      state: 'creating',
      recurrence,
      durationMinutes: typeof b.durationMinutes === 'number' ? b.durationMinutes : null,
      lockHolderId: req.params.lh,
      metadata:
        b.metadata && typeof b.metadata === 'object' ? (b.metadata as Record<string, unknown>) : undefined,
    };
    state.keys.set(key.id, key);
    lock.keysCreatedCount = (lock.keysCreatedCount ?? 0) + 1;
    // Unloc creates keys asynchronously: `creating` first, `active` once the key is on the phone.
    options.later(() => {
      const current = state.keys.get(key.id);
      if (current && current.state === 'creating') current.state = 'active';
    }, options.keyActivationDelayMs());
    return { status: 201, body: state.keyView(key) };
  });

  server.route('DELETE', UNLOC_PATHS.key, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    const key = state.keys.get(req.params.keyId);
    if (!key || key.lockId !== lock.id)
      throw new EmulatorHttpError(404, 'Key not found', { error: 'NotFound' });
    state.keys.delete(key.id);
    return { status: 204 };
  });

  server.route('GET', UNLOC_PATHS.roles, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    return { status: 200, body: { roles: [...(state.roles.get(lock.id)?.values() ?? [])] } };
  });

  server.route('PUT', UNLOC_PATHS.role, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    const userId = req.params.userId;
    if (!E164.test(userId))
      throw new EmulatorHttpError(400, 'userId must be an E.164 phone number', { error: 'ValidationError' });
    const b = body(req);
    if (typeof b.userName !== 'string' || typeof b.canShare !== 'boolean')
      throw new EmulatorHttpError(400, 'userName (string) and canShare (boolean) are required', {
        error: 'ValidationError',
      });
    let roles = state.roles.get(lock.id);
    if (!roles) state.roles.set(lock.id, (roles = new Map()));
    const previous = roles.get(userId);
    const role = {
      userId,
      lockId: lock.id,
      canShare: b.canShare,
      created: previous?.created ?? new Date(options.now()).toISOString(),
      createdKeys: previous?.createdKeys ?? 0,
    };
    roles.set(userId, role);
    return { status: 200, body: { role } };
  });

  server.route('POST', UNLOC_PATHS.keyEventWebhooks, (req) => {
    admin(req);
    const lock = lockIn(state, req.params.lh, req.params.lockId);
    const url = body(req).webhookUrl;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url))
      throw new EmulatorHttpError(400, 'webhookUrl must be an http(s) URL', { error: 'ValidationError' });
    let hook = state.webhooks.find((w) => w.lockId === lock.id && w.webhookUrl === url);
    if (!hook) state.webhooks.push((hook = { id: randomUUID(), lockId: lock.id, webhookUrl: url }));
    return { status: 201, body: { webhook: hook } };
  });
}
