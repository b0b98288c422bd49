import { randomInt } from 'node:crypto';
import { EmulatorHttpError } from '../kit/server';
import { MAX_PINS, PIN_GROUPS, ROUTES, type PinAccessType, type PinGroup } from './api';
import { bodyObject, lockFor, requireBridgeOnline } from './access';
import { ok, type EmuContext } from './context';
import type { EmuLock, EmuPin, EmuUser } from './state';

const ACCESS_TYPES: PinAccessType[] = ['always', 'recurring', 'temporary', 'oneTime'];
/** Where each transitional state settles. */
const SETTLES_TO: Partial<Record<PinGroup, PinGroup | 'gone'>> = {
  created: 'loaded',
  updating: 'loaded',
  enabling: 'loaded',
  disabling: 'disabled',
  deleting: 'gone',
};
const RACE = 'Unable to set intent state for pin';

function pinLengthOk(lock: EmuLock, pin: string): boolean {
  const k = lock.keypad!;
  return /^\d+$/.test(pin) && pin.length >= k.pinLengthMin && pin.length <= k.pinLengthMax;
}

function requireKeypad(lock: EmuLock): void {
  if (!lock.keypad) throw new EmulatorHttpError(400, 'This lock has no keypad');
}

function schedulesAllowed(lock: EmuLock): boolean {
  return lock.Type >= 2 && lock.accessSchedulesAllowed !== false;
}

/**
 * PINs: the grouped list, load/update/delete (and legacy disable/enable) commands with asynchronous
 * states, reservations, the master PIN, transfer and sync. The rules: one PIN per user per lock, a
 * reused PIN 409, at most 240 PINs or reservations per lock, schedules only on Type 2+ locks, the
 * bridge must be online.
 */
export function registerPinRoutes(emu: EmuContext): void {
  const { state } = emu;

  // Timers look the PIN up by id: a later batch replaces the PIN objects with its working copies.
  const settle = (
    lock: EmuLock,
    settling: EmuPin,
    from: PinGroup,
    webhook: string | undefined,
    action: string,
  ) => {
    emu.later(emu.timing.pinDelayMs, () => {
      const pin = lock.pins.find((p) => p._id === settling._id);
      if (!pin || pin.state !== from) return;
      const next = SETTLES_TO[from]!;
      const at = new Date(emu.now()).toISOString();
      if (next === 'gone') lock.pins = lock.pins.filter((p) => p !== pin);
      else {
        pin.state = next;
        pin.updatedAt = at;
        if (next === 'loaded') pin.loadedDate = at;
      }
      emu.webhook(webhook, {
        lockID: lock.LockID,
        userID: pin.userID,
        partnerUserID: pin.partnerUserID,
        action,
        state: next === 'gone' ? 'deleted' : next,
        slot: pin.slot,
      });
    });
  };

  emu.route('GET', ROUTES.pins, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    const groups: Record<string, EmuPin[]> = {};
    for (const s of PIN_GROUPS) groups[s] = lock.pins.filter((p) => p.state === s);
    return ok(groups);
  });

  emu.route('POST', ROUTES.pins, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    const body = bodyObject(req.body);
    const commands = body.commands;
    if (!Array.isArray(commands) || commands.length === 0)
      throw new EmulatorHttpError(400, 'commands must be a non-empty array');
    const webhook = typeof body.webhook === 'string' ? body.webhook : undefined;
    requireKeypad(lock);
    requireBridgeOnline(lock);
    // Commands run in order against a working copy; nothing is kept unless all of them pass.
    const work = lock.pins.map((p) => ({ ...p }));
    const followUps: Array<{ pin: EmuPin; from: PinGroup; action: string }> = [];
    const consumed = new Set<number>();
    for (const raw of commands) {
      const cmd = bodyObject(raw);
      const action = cmd.action;
      if (action === 'load') {
        const pin = loadPin(emu, lock, work, cmd, ctx.user, consumed);
        work.push(pin);
        followUps.push({ pin, from: 'created', action });
      } else if (action === 'update' || action === 'delete' || action === 'disable' || action === 'enable') {
        const pin = findTarget(emu, lock, work, cmd, ctx.user);
        if (pin.state !== 'loaded' && !(pin.state === 'disabled' && action !== 'disable'))
          throw new EmulatorHttpError(409, RACE);
        if (action === 'update') updatePin(lock, pin, cmd);
        const from: PinGroup =
          action === 'update'
            ? 'updating'
            : action === 'delete'
              ? 'deleting'
              : action === 'disable'
                ? 'disabling'
                : 'enabling';
        if (action === 'enable' && pin.state !== 'disabled')
          throw new EmulatorHttpError(409, 'PIN is not disabled');
        pin.state = from;
        pin.updatedAt = new Date(emu.now()).toISOString();
        followUps.push({ pin, from, action });
      } else {
        throw new EmulatorHttpError(400, 'action must be load, update, delete, disable or enable');
      }
    }
    lock.pins = work;
    lock.reservations = lock.reservations.filter((r) => !consumed.has(r.slot));
    for (const f of followUps) settle(lock, f.pin, f.from, webhook, f.action);
    return ok();
  });

  emu.route('GET', ROUTES.reservePin, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    return ok(reserve(emu, lock, ctx.user.userId));
  });

  emu.route('GET', ROUTES.reserveCredential, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    const type = req.query.get('type') ?? 'pin';
    if (type !== 'pin' && type !== 'rf' && type !== 'finger')
      throw new EmulatorHttpError(400, 'type must be pin, rf or finger');
    if (type !== 'pin') throw new EmulatorHttpError(400, `This lock takes no ${type} credentials`);
    if (!state.users.has(req.params.userID)) throw new EmulatorHttpError(404, 'User not found');
    return ok(reserve(emu, lock, req.params.userID));
  });

  emu.route('GET', ROUTES.masterPin, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'superuser');
    requireKeypad(lock);
    if (!lock.masterPin) throw new EmulatorHttpError(404, 'No master PIN on this lock');
    return ok(lock.masterPin);
  });

  emu.route('PUT', ROUTES.masterPin, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'superuser');
    requireKeypad(lock);
    const body = bodyObject(req.body);
    const pin = typeof body.pin === 'number' ? String(body.pin) : body.pin;
    if (typeof pin !== 'string' || !pinLengthOk(lock, pin))
      throw new EmulatorHttpError(400, 'Invalid master PIN');
    if (body.webhook !== undefined && (typeof body.webhook !== 'string' || !/^https/.test(body.webhook)))
      throw new EmulatorHttpError(400, 'webhook must be an https URL');
    requireBridgeOnline(lock);
    if (lock.pins.some((p) => p.pin === pin))
      throw new EmulatorHttpError(409, 'PIN already in use on this lock');
    const at = new Date(emu.now()).toISOString();
    const master: EmuPin = {
      _id: lock.masterPin?._id ?? state.newPinId(),
      type: 'master',
      lockID: lock.LockID,
      userID: ctx.user.userId,
      state: 'updating',
      pin,
      slot: 0,
      accessType: 'always',
      createdAt: lock.masterPin?.createdAt ?? at,
      updatedAt: at,
    };
    lock.masterPin = master;
    const webhook = typeof body.webhook === 'string' ? body.webhook : undefined;
    emu.later(emu.timing.pinDelayMs, () => {
      if (lock.masterPin !== master) return;
      master.state = 'loaded';
      master.loadedDate = new Date(emu.now()).toISOString();
      emu.webhook(webhook, { lockID: lock.LockID, action: 'master', state: 'loaded' });
    });
    return ok();
  });

  emu.route('PUT', ROUTES.transferPin, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    const body = bodyObject(req.body);
    const { oldUserID, newUserID } = body;
    if (typeof oldUserID !== 'string' || typeof newUserID !== 'string' || !oldUserID || !newUserID)
      throw new EmulatorHttpError(400, 'oldUserID and newUserID are required');
    const pin = lock.pins.find((p) => p.userID === oldUserID);
    if (!pin) throw new EmulatorHttpError(404, 'The old user has no PIN on this lock');
    const target = state.users.get(newUserID);
    if (!target) throw new EmulatorHttpError(404, 'The new user does not exist');
    if (lock.pins.some((p) => p.userID === newUserID))
      throw new EmulatorHttpError(409, 'The new user already has a PIN');
    if (pin.state !== 'loaded') throw new EmulatorHttpError(409, RACE);
    pin.userID = newUserID;
    pin.firstName = target.firstName;
    pin.lastName = target.lastName;
    pin.unverified = target.unverified ?? false;
    pin.updatedAt = new Date(emu.now()).toISOString();
    return ok();
  });

  emu.route('PUT', ROUTES.syncPins, (req, ctx) => {
    const lock = lockFor(state, req.params.lockID, ctx.user, 'manager');
    if (!lock.bridge || !lock.bridge.online)
      throw new EmulatorHttpError(409, 'No bridge, or the bridge is offline');
    const pending = lock.pins.some((p) => SETTLES_TO[p.state] !== undefined);
    return pending ? { status: 202, body: { message: 'sync started' } } : ok({ message: 'nothing to sync' });
  });
}

function reserve(emu: EmuContext, lock: EmuLock, userId: string): { pin: string; slot: number } {
  requireKeypad(lock);
  const { state } = emu;
  if (lock.pins.length + state.activeReservations(lock).length >= MAX_PINS)
    throw new EmulatorHttpError(409, 'No free slot on this lock');
  const slot = state.nextSlot(lock, MAX_PINS);
  if (slot === undefined) throw new EmulatorHttpError(409, 'No free slot on this lock');
  const k = lock.keypad!;
  const length = Math.min(k.pinLengthMax, Math.max(k.pinLengthMin, 6));
  const used = new Set([...lock.pins.map((p) => p.pin), ...lock.reservations.map((r) => r.pin)]);
  let pin: string;
  do pin = String(randomInt(0, 10 ** length)).padStart(length, '0');
  while (used.has(pin));
  lock.reservations.push({ pin, slot, userId, until: emu.now() + emu.timing.reserveHoldMs });
  return { pin, slot };
}

function resolveUser(
  emu: EmuContext,
  cmd: Record<string, unknown>,
  caller: EmuUser,
  create: boolean,
): EmuUser | undefined {
  const { state } = emu;
  const august = cmd.augustUserID;
  if (typeof august === 'string' && august) {
    const user = /^(email|phone):/.test(august) ? state.findByIdentifier(august) : state.users.get(august);
    if (!user) throw new EmulatorHttpError(404, 'augustUserID not found');
    return user;
  }
  const partner = cmd.partnerUserID;
  if (typeof partner === 'string' && partner) {
    const existing = [...state.users.values()].find(
      (u) => u.ownerId === caller.userId && u.partnerUserID === partner,
    );
    if (existing || !create) return existing;
  }
  if (!create) return undefined;
  if (typeof cmd.firstName !== 'string' || !cmd.firstName)
    throw new EmulatorHttpError(400, 'load needs augustUserID, or firstName (and lastName) for a new user');
  return state.addUnverifiedUser(
    cmd.firstName,
    typeof cmd.lastName === 'string' ? cmd.lastName : '',
    caller.userId,
    typeof partner === 'string' && partner ? partner : undefined,
  );
}

function checkAccess(lock: EmuLock, cmd: Record<string, unknown>): PinAccessType {
  const accessType = (cmd.accessType ?? 'always') as PinAccessType;
  if (!ACCESS_TYPES.includes(accessType))
    throw new EmulatorHttpError(400, 'accessType must be always, recurring, temporary or oneTime');
  if (accessType !== 'always' && !schedulesAllowed(lock))
    throw new EmulatorHttpError(400, 'This lock type takes only "always" PINs');
  if (
    (accessType === 'temporary' || accessType === 'recurring') &&
    typeof cmd.accessTimes !== 'string' &&
    typeof cmd.schedule !== 'string'
  )
    throw new EmulatorHttpError(400, `${accessType} PINs need accessTimes`);
  if (
    cmd.accessTimes !== undefined &&
    (typeof cmd.accessTimes !== 'string' || !/^([A-Z]+=[^;]+)(;[A-Z]+=[^;]+)*$/.test(cmd.accessTimes))
  )
    throw new EmulatorHttpError(
      400,
      'accessTimes must look like DTSTART=...;DTEND=... or STARTSEC=...;ENDSEC=...',
    );
  return accessType;
}

function loadPin(
  emu: EmuContext,
  lock: EmuLock,
  work: EmuPin[],
  cmd: Record<string, unknown>,
  caller: EmuUser,
  consumed: Set<number>,
): EmuPin {
  const { state } = emu;
  const pin = cmd.pin;
  if (typeof pin !== 'string' || !pinLengthOk(lock, pin))
    throw new EmulatorHttpError(
      400,
      `pin must be ${lock.keypad!.pinLengthMin} to ${lock.keypad!.pinLengthMax} digits`,
    );
  const accessType = checkAccess(lock, cmd);
  const user = resolveUser(emu, cmd, caller, true)!;
  if (work.some((p) => p.userID === user.userId))
    throw new EmulatorHttpError(409, 'This user already has a PIN on this lock');
  const reservations = state.activeReservations(lock).filter((r) => !consumed.has(r.slot));
  if (
    work.some((p) => p.pin === pin) ||
    reservations.some((r) => r.pin === pin && r.userId !== caller.userId && r.userId !== user.userId)
  )
    throw new EmulatorHttpError(409, 'PIN already in use on this lock');
  const mine = reservations.find(
    (r) =>
      (r.userId === caller.userId || r.userId === user.userId) &&
      (cmd.slot === undefined ? r.pin === pin : r.slot === cmd.slot),
  );
  let slot: number | undefined;
  if (mine) {
    slot = mine.slot;
    consumed.add(mine.slot);
  } else {
    if (work.length + reservations.length >= MAX_PINS)
      throw new EmulatorHttpError(409, 'No free slot on this lock');
    const used = new Set([...work.map((p) => p.slot), ...reservations.map((r) => r.slot)]);
    if (typeof cmd.slot === 'number') {
      if (used.has(cmd.slot) || cmd.slot < 1 || cmd.slot > MAX_PINS)
        throw new EmulatorHttpError(409, 'Slot not available');
      slot = cmd.slot;
    } else {
      for (let s = 1; s <= MAX_PINS && slot === undefined; s++) if (!used.has(s)) slot = s;
    }
    if (slot === undefined) throw new EmulatorHttpError(409, 'No free slot on this lock');
  }
  const at = new Date(emu.now()).toISOString();
  const out: EmuPin = {
    _id: state.newPinId(),
    type: 'pin',
    lockID: lock.LockID,
    userID: user.userId,
    state: 'created',
    pin,
    slot,
    accessType,
    callingUserID: caller.userId,
    apiKey: 'emulator',
    createdAt: at,
    updatedAt: at,
    firstName: typeof cmd.firstName === 'string' ? cmd.firstName : user.firstName,
    lastName: typeof cmd.lastName === 'string' ? cmd.lastName : user.lastName,
    unverified: user.unverified ?? false,
  };
  if (typeof cmd.accessTimes === 'string') out.accessTimes = cmd.accessTimes;
  if (typeof cmd.accessRecurrence === 'string') out.accessRecurrence = cmd.accessRecurrence;
  if (typeof cmd.partnerUserID === 'string') out.partnerUserID = cmd.partnerUserID;
  return out;
}

function findTarget(
  emu: EmuContext,
  lock: EmuLock,
  work: EmuPin[],
  cmd: Record<string, unknown>,
  caller: EmuUser,
): EmuPin {
  const user = resolveUser(emu, cmd, caller, false);
  const pin = user
    ? work.find((p) => p.userID === user.userId)
    : typeof cmd.pin === 'string'
      ? work.find((p) => p.pin === cmd.pin)
      : undefined;
  if (!user && typeof cmd.pin !== 'string')
    throw new EmulatorHttpError(400, 'Name the PIN by augustUserID, partnerUserID or pin');
  if (!pin) throw new EmulatorHttpError(404, 'No such PIN on this lock');
  void lock;
  return pin;
}

function updatePin(lock: EmuLock, pin: EmuPin, cmd: Record<string, unknown>): void {
  if (cmd.pin !== undefined && cmd.pin !== pin.pin)
    throw new EmulatorHttpError(409, `${RACE}: delete the PIN, wait, then load the new one`);
  if (cmd.accessType !== undefined) {
    pin.accessType = checkAccess(lock, cmd);
    pin.accessTimes = typeof cmd.accessTimes === 'string' ? cmd.accessTimes : undefined;
    pin.accessRecurrence = typeof cmd.accessRecurrence === 'string' ? cmd.accessRecurrence : undefined;
  }
  if (typeof cmd.firstName === 'string') pin.firstName = cmd.firstName;
  if (typeof cmd.lastName === 'string') pin.lastName = cmd.lastName;
}
