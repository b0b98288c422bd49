import { EmulatorHttpError } from '../kit/server';
import { ROUTES } from './api';
import { bodyObject, lockFor } from './access';
import { ok, type EmuContext } from './context';

/** POST /session, the two-factor validation pair, logout, partner sub-users and unverified users. */
export function registerSessionRoutes(emu: EmuContext): void {
  const { state, auth } = emu;

  emu.publicRoute('POST', ROUTES.session, (req) => {
    const body = bodyObject(req.body);
    const { installId, identifier, password } = body;
    if (
      typeof installId !== 'string' ||
      !installId ||
      typeof identifier !== 'string' ||
      typeof password !== 'string'
    )
      throw new EmulatorHttpError(400, 'installId, identifier and password are required');
    // Yale switched password login off for the aaecosystem brands (yalexs 389ae6c "no longer works";
    // homebridge-august 3.3.0). What the real host answers is not documented: a 401 here (SEED).
    if (!emu.passwordLogin())
      throw new EmulatorHttpError(401, 'Password login is not available for this brand; sign in with OAuth');
    const user = state.findByIdentifier(identifier);
    if (!user || user.password === undefined) throw new EmulatorHttpError(401, 'Invalid credentials');
    auth.checkBranding(req, user);
    // A known account with a wrong password: 200 with vPassword false and a token that opens nothing
    // (Y authenticator_common.py reads the token header, then vPassword false -> BAD_PASSWORD).
    const passwordOk = user.password === password;
    const token = auth.issue(user.userId, installId, !passwordOk);
    const validated = passwordOk && auth.isValidated(user, installId);
    return {
      status: 200,
      headers: { [auth.headers.accessToken]: token },
      body: {
        installId,
        userId: user.userId,
        applicationId: '',
        vInstallId: validated,
        vPassword: passwordOk,
        vEmail: user.identifiers.some((i) => i.startsWith('email:')),
        vPhone: user.identifiers.some((i) => i.startsWith('phone:')),
        hasInstallId: true,
        hasPassword: true,
        hasEmail: user.identifiers.some((i) => i.startsWith('email:')),
        hasPhone: user.identifiers.some((i) => i.startsWith('phone:')),
        isLockSelectionVerified: true,
        oAuth: {},
        expiresAt: auth.expiresAtOf(token),
      },
    };
  });

  const kindOf = (kind: string): 'email' | 'phone' => {
    if (kind !== 'email' && kind !== 'phone') throw new EmulatorHttpError(404, 'Unknown validation method');
    return kind;
  };

  // Asks for a code; the emulated user has a fixed code, documented for the sandbox.
  emu.route(
    'POST',
    ROUTES.requestValidation,
    (req, ctx) => {
      const kind = kindOf(req.params.kind);
      const value = bodyObject(req.body).value;
      if (typeof value !== 'string' || !ctx.user.identifiers.includes(`${kind}:${value}`))
        throw new EmulatorHttpError(400, `value must be the account's ${kind}`);
      return ok();
    },
    { allowUnvalidated: true },
  );

  emu.route(
    'POST',
    ROUTES.validate,
    (req, ctx) => {
      const kind = kindOf(req.params.kind);
      const body = bodyObject(req.body);
      const code = body.code === undefined ? undefined : String(body.code);
      if (typeof body[kind] !== 'string' || !ctx.user.identifiers.includes(`${kind}:${String(body[kind])}`))
        throw new EmulatorHttpError(400, `${kind} must be the account's ${kind}`);
      if (!ctx.user.twoFactorCode || code !== ctx.user.twoFactorCode)
        throw new EmulatorHttpError(400, 'Invalid verification code');
      ctx.user.validatedInstalls.add(ctx.installId);
      return ok();
    },
    { allowUnvalidated: true },
  );

  emu.route(
    'POST',
    ROUTES.logout,
    (req, ctx) => {
      const body = bodyObject(req.body);
      if (typeof body.installID !== 'string' || typeof body.apnsDeviceID !== 'string')
        throw new EmulatorHttpError(400, 'apnsDeviceID and installID are required');
      auth.revokeInstall(ctx.user.userId, body.installID);
      return { status: 200, body: null };
    },
    { allowUnvalidated: true },
  );

  emu.route('POST', ROUTES.partnerSubUser, (req, ctx) => {
    const body = bodyObject(req.body);
    const { partnerUserID, firstName, lastName } = body;
    if (typeof partnerUserID !== 'string' || typeof firstName !== 'string' || typeof lastName !== 'string')
      throw new EmulatorHttpError(400, 'partnerUserID, firstName and lastName are required');
    let sub = [...state.users.values()].find(
      (u) => u.ownerId === ctx.user.userId && u.partnerUserID === partnerUserID,
    );
    const created = !sub;
    sub ??= state.addUnverifiedUser(firstName, lastName, ctx.user.userId, partnerUserID);
    sub.branding = ctx.user.branding;
    return ok({
      access_token: auth.issue(sub.userId, ctx.installId),
      firstName: sub.firstName,
      lastName: sub.lastName,
      userID: sub.userId,
      userCreated: created,
    });
  });

  emu.route('POST', ROUTES.unverifiedUsers, (req, ctx) => {
    const body = bodyObject(req.body);
    if (typeof body.firstName !== 'string' || !body.firstName || typeof body.lockID !== 'string')
      throw new EmulatorHttpError(400, 'firstName and lockID are required');
    lockFor(state, body.lockID, ctx.user, 'manager');
    const user = state.addUnverifiedUser(
      body.firstName,
      typeof body.lastName === 'string' ? body.lastName : '',
      ctx.user.userId,
    );
    return ok({ id: user.userId });
  });
}
