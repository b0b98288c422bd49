import { EmulatorHttpError, type EmuRequest } from '../kit/server';
import { TokenStore } from '../kit/tokens';
import { HEADERS, type Family, type FamilyHeaders } from './api';
import type { AugustState, EmuUser } from './state';

export interface AuthContext {
  user: EmuUser;
  installId: string;
  token: string;
}

interface TokenData {
  userId: string;
  installId: string;
  /** Issued to a login with a wrong password: refused everywhere. */
  badPassword?: boolean;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The emulator's auth: the family's header names (x-august-* or x-*), the app API key, the branding
 * header, and JWT-shaped access tokens (header.payload.signature, with `exp`) like the real service,
 * so a client can read the expiry. The signature part is a TokenStore token, which tests expire.
 */
export class EmulatorAuth {
  readonly tokens: TokenStore<TokenData>;
  readonly headers: FamilyHeaders;
  /** Signatures of every token issued, for logout (TokenStore cannot be listed). */
  private readonly issued = new Set<string>();

  constructor(
    private readonly state: AugustState,
    private readonly options: {
      family: Family;
      apiKey: string;
      tokenTtlMs: number;
      refreshAfterMs: number;
    },
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = new TokenStore<TokenData>('', now);
    this.headers = HEADERS[options.family];
  }

  issue(userId: string, installId: string, badPassword = false): string {
    const data: TokenData = badPassword ? { userId, installId, badPassword } : { userId, installId };
    const record = this.tokens.issue(data, this.options.tokenTtlMs);
    this.issued.add(record.token);
    const iat = Math.floor(this.now() / 1000);
    const exp = Math.floor(record.expiresAt / 1000);
    return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ installId, userId, iat, exp })}.${record.token}`;
  }

  /** ISO expiry of a token this emulator issued. */
  expiresAtOf(token: string): string {
    const check = this.tokens.check(token.split('.')[2]);
    return new Date(check.ok ? check.record.expiresAt : this.now()).toISOString();
  }

  /** The API key header of this family must carry the configured key. */
  checkApp(req: EmuRequest): void {
    const key = req.headers[this.headers.apiKey];
    if (!key) throw new EmulatorHttpError(401, `Missing ${this.headers.apiKey} header`);
    if (key !== this.options.apiKey) throw new EmulatorHttpError(401, 'Invalid API key');
  }

  /** A wrong branding header is refused with 403 (an August account used through the Yale app). */
  checkBranding(req: EmuRequest, user: EmuUser): void {
    const branding = req.headers[this.headers.branding] ?? 'august';
    if (branding !== user.branding)
      throw new EmulatorHttpError(403, 'This account does not belong to this brand');
  }

  /**
   * Checks app headers, the token and the branding. `allowUnvalidated` lets an install that still
   * waits for its two-factor code call the validation routes.
   */
  check(req: EmuRequest, allowUnvalidated = false): AuthContext {
    this.checkApp(req);
    const token = req.headers[this.headers.accessToken];
    if (!token) throw new EmulatorHttpError(401, `Missing ${this.headers.accessToken} header`);
    const parts = token.split('.');
    const result = this.tokens.check(parts.length === 3 ? parts[2] : undefined);
    if (!result.ok)
      throw new EmulatorHttpError(401, result.reason === 'expired' ? 'Token expired' : 'Invalid token');
    const user = this.state.users.get(result.record.data.userId);
    if (!user || result.record.data.badPassword) throw new EmulatorHttpError(401, 'Invalid token');
    this.checkBranding(req, user);
    const installId = result.record.data.installId;
    if (!allowUnvalidated && !this.isValidated(user, installId))
      throw new EmulatorHttpError(401, 'This install has not been validated');
    return { user, installId, token };
  }

  isValidated(user: EmuUser, installId: string): boolean {
    return !user.twoFactorCode || user.validatedInstalls.has(installId);
  }

  /** The token to send back: the same one, or a fresh one once it has aged. */
  refreshed(ctx: AuthContext): string {
    const parts = ctx.token.split('.');
    const check = this.tokens.check(parts[2]);
    if (!check.ok) return ctx.token;
    const issuedAt = check.record.expiresAt - this.options.tokenTtlMs;
    if (this.now() - issuedAt < this.options.refreshAfterMs) return ctx.token;
    return this.issue(ctx.user.userId, ctx.installId);
  }

  /** Logout: every token of this user's install stops working. */
  revokeInstall(userId: string, installId: string): void {
    for (const token of this.issued) {
      const check = this.tokens.check(token);
      if (check.ok && check.record.data.userId === userId && check.record.data.installId === installId)
        this.tokens.revoke(token);
    }
  }
}
