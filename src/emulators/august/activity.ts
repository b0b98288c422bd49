/**
 * The house activity feed: GET /houses/{houseID}/activities (Y api_common.py, `?limit`, Accept-Version
 * 4.0.0). The emulator records what happens to its locks (app/remote operations, keypad, thumb turn,
 * auto-lock, door) and answers in the entry shapes of the captured fixtures that yalexs activity.py
 * parses: with Accept-Version 4.0.0 the v4 entries (`id`, `timestamp`, `action` such as `remote_unlock`,
 * `pin_unlock`, `manual_lock`, `auto_lock`, `user`, `title`; fixtures remote_unlock_activity_v4.json,
 * pin_unlock_activity.json, manual_lock_activity.json, auto_lock_activity.json), otherwise the older
 * entries (`action` lock/unlock/dooropen/doorclosed, `dateTime`, `callingUser`, `info` flags `remote`,
 * `keypad`, `manual`, `entities`, `house`; fixtures get_house_activities.json, get_activity.*.json).
 */
import { randomUUID } from 'node:crypto';
import { EmulatorHttpError } from '../kit/server';
import { ACCEPT_VERSIONS, ROUTES } from './api';
import { ok, type EmuContext } from './context';
import type { AugustState, EmuLock, EmuUser } from './state';

/** How an operation was done: the v4 action prefix (Y activity.py). */
export type ActivityMethod = 'remote' | 'pin' | 'manual' | 'auto' | 'ble';
export type ActivityVerb = 'lock' | 'unlock' | 'unlatch';

export interface EmuActivity {
  id: string;
  houseId: string;
  lockId: string;
  lockName: string;
  /** Epoch ms. */
  timestamp: number;
  kind: 'lock' | 'door';
  method?: ActivityMethod;
  verb?: ActivityVerb;
  door?: 'open' | 'closed';
  user?: { UserID: string; FirstName: string; LastName: string };
}

/** The feed keeps this many entries per emulator (the real feed pages; yalexs asks for 10 or 2500). */
const KEPT = 2500;
const MAX_LIMIT = 2500;

export function recordLockActivity(
  state: AugustState,
  lock: EmuLock,
  at: number,
  method: ActivityMethod,
  verb: ActivityVerb,
  user?: EmuUser,
): EmuActivity {
  return push(state, {
    id: randomUUID(),
    houseId: lock.HouseID,
    lockId: lock.LockID,
    lockName: lock.LockName,
    timestamp: at,
    kind: 'lock',
    method,
    verb,
    user: user ? { UserID: user.userId, FirstName: user.firstName, LastName: user.lastName } : undefined,
  });
}

export function recordDoorActivity(
  state: AugustState,
  lock: EmuLock,
  at: number,
  door: 'open' | 'closed',
): EmuActivity {
  return push(state, {
    id: randomUUID(),
    houseId: lock.HouseID,
    lockId: lock.LockID,
    lockName: lock.LockName,
    timestamp: at,
    kind: 'door',
    door,
  });
}

function push(state: AugustState, activity: EmuActivity): EmuActivity {
  state.activities.push(activity);
  if (state.activities.length > KEPT) state.activities.splice(0, state.activities.length - KEPT);
  return activity;
}

const PAST: Record<ActivityVerb, string> = { lock: 'locked', unlock: 'unlocked', unlatch: 'unlatched' };
const HOW: Record<ActivityMethod, string> = {
  remote: 'remotely',
  pin: 'with entry code',
  manual: 'manually',
  auto: '',
  ble: 'with the app',
};

/** The v4 entry (fixtures *_activity_v4.json, pin_unlock_activity.json, auto_lock_activity.json). */
function v4Entry(a: EmuActivity): Record<string, unknown> {
  const action =
    a.kind === 'door' ? (a.door === 'open' ? 'door_open' : 'door_close') : `${a.method}_${a.verb}`;
  const who = a.user ? `<b>${a.user.FirstName} ${a.user.LastName}</b> ` : '';
  const title =
    a.kind === 'door'
      ? `<b>${a.lockName}</b> was ${a.door === 'open' ? 'opened' : 'closed'}`
      : a.method === 'auto'
        ? `<b>${a.lockName}</b> was Auto-Locked`
        : `${who}${PAST[a.verb!]} <b>${a.lockName}</b> ${HOW[a.method!]}`.trim();
  const entry: Record<string, unknown> = {
    id: a.id,
    timestamp: a.timestamp,
    icon: `https://example.invalid/ActivityFeedIcons/${action}@3x.png`,
    action,
    deviceID: a.lockId,
    deviceType: 'lock',
    title,
  };
  if (a.user) entry.user = a.user;
  return entry;
}

/**
 * The older entry (get_house_activities.json, HA get_activity.*.json): the action is plain
 * lock/unlock/unlatch/dooropen/doorclosed and `info` flags say how; auto-lock is told by the calling
 * user `automaticrelock` (Y activity.py operated_autorelock), the thumb turn by `manual` + user
 * `manuallock`/`manualunlock`.
 */
function olderEntry(a: EmuActivity, houseName: string): Record<string, unknown> {
  const action = a.kind === 'door' ? (a.door === 'open' ? 'dooropen' : 'doorclosed') : a.verb!;
  const callingUser =
    a.user ??
    (a.method === 'auto'
      ? { UserID: 'automaticrelock', FirstName: 'Auto', LastName: 'Lock' }
      : a.method === 'manual'
        ? { UserID: `manual${a.verb}`, FirstName: 'Manual', LastName: 'Lock' }
        : { UserID: 'deleted', FirstName: 'Unknown', LastName: 'User' });
  return {
    entities: {
      activity: a.id,
      house: a.houseId,
      device: a.lockId,
      callingUser: callingUser.UserID,
      otherUser: 'deleted',
    },
    callingUser,
    otherUser: { FirstName: 'Unknown', LastName: 'User', UserID: 'deleted', UserName: 'deleteduser' },
    deviceType: 'lock',
    deviceName: a.lockName,
    action,
    dateTime: a.timestamp,
    info:
      a.kind === 'door'
        ? {}
        : {
            remote: a.method === 'remote',
            keypad: a.method === 'pin',
            manual: a.method === 'manual',
            DateLogActionID: `${a.lockId}+${a.timestamp}`,
          },
    deviceID: a.lockId,
    house: { houseName, houseID: a.houseId },
  };
}

export function registerActivityRoutes(emu: EmuContext): void {
  const { state } = emu;
  emu.route('GET', ROUTES.houseActivities, (req, ctx) => {
    const house = state.houses.get(req.params.houseID);
    if (!house) throw new EmulatorHttpError(404, 'House not found');
    const members = new Set(
      [...state.locks.values()]
        .filter((l) => l.HouseID === house.HouseID)
        .flatMap((l) => [...l.users.keys()]),
    );
    if (!members.has(ctx.user.userId)) throw new EmulatorHttpError(403, 'Not a member of this house');
    const rawLimit = req.query.get('limit');
    const limit = rawLimit === null ? 10 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new EmulatorHttpError(400, `limit must be 1 to ${MAX_LIMIT}`);
    const v4 = req.headers['accept-version'] === ACCEPT_VERSIONS.activities;
    // Newest first; entries of the same millisecond in reverse order of recording.
    const newestFirst = state.activities
      .filter((a) => a.houseId === house.HouseID)
      .reverse()
      .sort((a, b) => b.timestamp - a.timestamp)
      .slice(0, limit);
    return ok(newestFirst.map((a) => (v4 ? v4Entry(a) : olderEntry(a, house.HouseName))));
  });
}
