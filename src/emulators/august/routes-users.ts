import { randomUUID } from 'node:crypto';
import { EmulatorHttpError } from '../kit/server';
import { ROUTES } from './api';
import { bodyObject, isUserType, lockFor } from './access';
import { ok, type EmuContext } from './context';

/**
 * Users on a lock. The route catalog answers 401 when the caller's role is too low (manager or
 * superuser to add or remove, superuser to change a type), 404 for a user not on the lock, 400 for a
 * bad type.
 */
export function registerUserRoutes(emu: EmuContext): void {
  const { state } = emu;

  emu.route('PUT', ROUTES.addUser, (req, ctx) => {
    const { lockID, otherUserID, type } = req.params;
    if (!isUserType(type)) throw new EmulatorHttpError(400, 'type must be user, manager or superuser');
    const lock = lockFor(state, lockID, ctx.user, 'manager', 401);
    const body = bodyObject(req.body);
    if (body.Name !== undefined && body.Name !== null && typeof body.Name !== 'string')
      throw new EmulatorHttpError(400, 'Name must be a string or null');
    if (!state.users.has(otherUserID)) {
      // An invited person without an account yet.
      const [firstName, ...rest] = (
        typeof body.Name === 'string' && body.Name ? body.Name : 'Invited User'
      ).split(' ');
      state.users.set(otherUserID, {
        userId: otherUserID,
        identifiers: [],
        firstName,
        lastName: rest.join(' '),
        branding: ctx.user.branding,
        validatedInstalls: new Set(),
      });
    }
    lock.users.set(otherUserID, type);
    return ok(body.returnInvited === true ? { message: 'success', invitedUserID: otherUserID } : undefined);
  });

  emu.route('PUT', ROUTES.changeUserType, (req, ctx) => {
    const { lockID, otherUserID, type } = req.params;
    if (!isUserType(type)) throw new EmulatorHttpError(400, 'type must be user, manager or superuser');
    const lock = lockFor(state, lockID, ctx.user, 'superuser', 401);
    if (!lock.users.has(otherUserID)) throw new EmulatorHttpError(404, 'User is not on this lock');
    lock.users.set(otherUserID, type);
    return ok();
  });

  emu.route('DELETE', ROUTES.removeUser, (req, ctx) => {
    const { lockID, otherUserID } = req.params;
    const lock = lockFor(state, lockID, ctx.user, 'manager', 401);
    if (!lock.users.has(otherUserID)) throw new EmulatorHttpError(404, 'User is not on this lock');
    if (lock.users.get(otherUserID) === 'superuser' && lock.users.get(ctx.user.userId) !== 'superuser')
      throw new EmulatorHttpError(401, 'Only a superuser may remove a superuser');
    lock.users.delete(otherUserID);
    // The user's PIN goes with them.
    lock.pins = lock.pins.filter((p) => p.userID !== otherUserID);
    return ok();
  });

  // Live-update subscribers: the socket is opened with ?subscriberID=<id> (see socketio.ts).
  emu.route('POST', ROUTES.subscribers, (req, ctx) => {
    const scopes = bodyObject(req.body).scopes;
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      new Set(scopes).size !== scopes.length ||
      scopes.some((s) => s !== 'lock')
    )
      throw new EmulatorHttpError(400, 'scopes must be a non-empty unique array of "lock"');
    const sub = {
      subscriberID: randomUUID(),
      scopes: scopes as string[],
      clientID: ctx.installId,
      userID: ctx.user.userId,
    };
    state.subscribers.set(sub.subscriberID, sub);
    return ok(sub);
  });

  emu.route('GET', ROUTES.subscriber, (req, ctx) => {
    const sub = state.subscribers.get(req.params.subID);
    if (!sub || sub.userID !== ctx.user.userId) throw new EmulatorHttpError(404, 'Subscriber not found');
    return ok(sub);
  });

  emu.route('DELETE', ROUTES.subscriber, (req, ctx) => {
    const sub = state.subscribers.get(req.params.subID);
    if (!sub || sub.userID !== ctx.user.userId) throw new EmulatorHttpError(404, 'Subscriber not found');
    state.subscribers.delete(sub.subscriberID);
    emu.dropSubscriber(sub.subscriberID);
    return ok({ message: 'Subscriber deleted' });
  });
}
