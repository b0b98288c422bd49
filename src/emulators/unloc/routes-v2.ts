import { randomUUID } from 'node:crypto';
import { EmulatorHttpError, type EmulatorServer, type EmuRequest } from '../kit';
import { V2 } from './api';
import { PROJECT_PREFIX, type UnlocAuth } from './auth';
import type { KeyRouteOptions } from './routes-keys';
import { E164 } from './routes-locks';
import { readRecurrence } from './recurrence';
import type { EmuKey, EmuLock, UnlocState } from './state';

const invalid = (message: string) => new EmulatorHttpError(400, message, { error: 'ValidationError' });

function isoOrNull(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    throw invalid(`${field} must be an ISO 8601 date or null`);
  return value;
}

/**
 * Unloc API v2 over the same state as v1 (a project is a v1 lock holder, renamed; UD migration-guide).
 * Every route needs a project.admin token for its project (UD getkeys: "Required Scope project.admin").
 */
export function registerV2Routes(
  server: EmulatorServer,
  state: UnlocState,
  auth: UnlocAuth,
  options: KeyRouteOptions,
): void {
  const project = (req: EmuRequest): string => {
    auth.require(req, [PROJECT_PREFIX + req.params.projectId]);
    if (!state.lockHolders.has(req.params.projectId))
      throw new EmulatorHttpError(404, 'Project not found', { error: 'NotFound' });
    return req.params.projectId;
  };
  const lockOf = (projectId: string, lockId: unknown): EmuLock => {
    const lock = typeof lockId === 'string' ? state.locks.get(lockId) : undefined;
    if (!lock || lock.lockHolderId !== projectId)
      throw new EmulatorHttpError(404, 'Lock not found', { error: 'NotFound' });
    return lock;
  };
  // v2 keys name the person appUserId (UD managing-keys); toUser is kept as in v1 [INF].
  const keyView = (key: EmuKey) => ({ ...state.keyView(key), appUserId: key.toUser.id });

  server.route('GET', V2.locks, (req) => {
    const id = project(req);
    return { status: 200, body: { locks: state.locksOf(id).map((l) => state.view(l)) } };
  });

  server.route('GET', V2.lock, (req) => {
    const id = project(req);
    return { status: 200, body: { lock: state.view(lockOf(id, req.params.lockId)) } };
  });

  // UD getkeys: filters appUserId, lockId, excludeStates.
  server.route('GET', V2.keys, (req) => {
    const id = project(req);
    const lockId = req.query.get('lockId');
    const appUserId = req.query.get('appUserId');
    const exclude = (req.query.get('excludeStates') ?? '').split(',').filter(Boolean);
    const keys = [...state.keys.values()].filter(
      (k) =>
        k.lockHolderId === id &&
        (!lockId || k.lockId === lockId) &&
        (!appUserId || k.toUser.id === appUserId) &&
        !exclude.includes(k.state),
    );
    return { status: 200, body: { keys: keys.map(keyView) } };
  });

  // UD managing-keys: {keys: [{lockId, appUserId, start?, end?, recurrence?}]}, created asynchronously.
  server.route('POST', V2.keys, (req) => {
    const id = project(req);
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (!Array.isArray(b.keys) || b.keys.length === 0) throw invalid('keys must be a non-empty array');
    const inputs = b.keys.map((raw: unknown) => {
      const k = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const lock = lockOf(id, k.lockId);
      if (typeof k.appUserId !== 'string' || !E164.test(k.appUserId))
        throw invalid('appUserId must be an E.164 phone number');
      const start = isoOrNull(k.start, 'start');
      const end = isoOrNull(k.end, 'end');
      if (start && end && Date.parse(end) <= Date.parse(start)) throw invalid('end must be after start');
      const d = k.durationMinutes;
      if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d <= 0))
        throw invalid('durationMinutes must be a positive integer');
      return { k, lock, start, end, recurrence: readRecurrence(k.recurrence) };
    });
    const created = inputs.map(({ k, lock, start, end, recurrence }) => {
      const key: EmuKey = {
        id: randomUUID(),
        toUser: { id: k.appUserId as string, imageUrl: null },
        lockId: lock.id,
        start,
        end,
        created: new Date(options.now()).toISOString(),
        state: 'creating',
        recurrence,
        durationMinutes: typeof k.durationMinutes === 'number' ? k.durationMinutes : null,
        lockHolderId: id,
        metadata:
          k.metadata && typeof k.metadata === 'object' ? (k.metadata as Record<string, unknown>) : undefined,
      };
      state.keys.set(key.id, key);
      options.later(() => {
        const current = state.keys.get(key.id);
        if (current && current.state === 'creating') current.state = 'active';
      }, options.keyActivationDelayMs());
      return keyView(key);
    });
    // [INF] the answer lists the keys created.
    return { status: 201, body: { keys: created } };
  });

  // [INF] the docs show a bulk DELETE on /keys without documenting its body; {keyIds} is assumed.
  server.route('DELETE', V2.keys, (req) => {
    const id = project(req);
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (!Array.isArray(b.keyIds) || b.keyIds.length === 0 || b.keyIds.some((k) => typeof k !== 'string'))
      throw invalid('keyIds must be a non-empty array of key ids');
    const keys = (b.keyIds as string[]).map((k) => state.keys.get(k));
    if (keys.some((k) => !k || k.lockHolderId !== id))
      throw new EmulatorHttpError(404, 'Key not found', { error: 'NotFound' });
    for (const k of keys) if (k) state.keys.delete(k.id);
    return { status: 204 };
  });

  // UD webhooks-guide: {trigger: "accessEvent", url, lockId}.
  server.route('POST', V2.webhooks, (req) => {
    const id = project(req);
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (b.trigger !== 'accessEvent') throw invalid('trigger must be accessEvent');
    if (typeof b.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(b.url))
      throw invalid('url must be an http(s) URL');
    const lock = lockOf(id, b.lockId);
    let hook = state.webhooks.find((w) => w.lockId === lock.id && w.webhookUrl === b.url);
    if (!hook)
      state.webhooks.push((hook = { id: randomUUID(), lockId: lock.id, webhookUrl: b.url, api: 'v2' }));
    return {
      status: 201,
      body: { webhook: { id: hook.id, trigger: 'accessEvent', url: hook.webhookUrl, lockId: lock.id } },
    };
  });
}
