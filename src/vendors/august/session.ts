import { createHash, randomUUID } from 'node:crypto';
import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { readJson, writeJson, type Storage } from '../../core/storage';
import type { Clock } from '../../core/clock';
import type { AugustClient } from './client';
import type { ValidationKind } from './paths';

/** What we keep in the account's storage folder (never in the config file). */
export interface StoredSession {
  installId: string;
  token?: string;
  /** Epoch ms when the token expires, when known (JWT exp or the login's expiresAt). */
  expiresAt?: number;
  userId?: string;
  /** SHA-256 of the imported access token the stored token descends from (never the token). */
  importedFrom?: string;
}

export const SESSION_FILE = 'august-session.json';

export interface SessionOptions {
  client: AugustClient;
  storage: Storage;
  logger: Logger;
  clock: Clock;
  identifier?: string;
  password?: string;
  /**
   * An access token obtained elsewhere: used instead of POST /session. The fresh tokens the API hands
   * back replace it in storage, until the config names a different token.
   */
  accessToken?: string;
  /** From the config; otherwise generated once and stored. */
  installId?: string;
  /** Refresh when less than this is left (yalexs: 7 days). */
  refreshMarginMs: number;
}

/** "me@example.com" -> "email:me@example.com"; "+1555..." -> "phone:+1555...". */
export function normalizeIdentifier(identifier: string): {
  identifier: string;
  kind: ValidationKind;
  value: string;
} {
  const trimmed = identifier.trim();
  const m = /^(email|phone):(.+)$/i.exec(trimmed);
  if (m) {
    const kind = m[1].toLowerCase() as ValidationKind;
    return { identifier: `${kind}:${m[2]}`, kind, value: m[2] };
  }
  const kind: ValidationKind = trimmed.includes('@') ? 'email' : 'phone';
  return { identifier: `${kind}:${trimmed}`, kind, value: trimmed };
}

/** The exp of a JWT-shaped token, in ms; undefined for opaque tokens. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The `userId` claim of an August JWT (the push channel's uuid needs it), if it has one. */
function jwtUserId(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { userId?: unknown };
    return typeof payload.userId === 'string' ? payload.userId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The login state of one account: the install id and token in storage, login with the two-factor
 * step, refresh before expiry, and re-login when a token is refused.
 */
export class AugustSession {
  private stored?: StoredSession;
  /** Set when the install still needs a two-factor code. */
  private awaitingCode = false;
  private loginInFlight?: Promise<void>;
  private refreshInFlight?: Promise<void>;
  private readonly who?: ReturnType<typeof normalizeIdentifier>;

  constructor(private readonly options: SessionOptions) {
    if (options.identifier) this.who = normalizeIdentifier(options.identifier);
  }

  private get imported(): boolean {
    return this.options.accessToken !== undefined;
  }

  get needsTwoFactor(): boolean {
    return this.awaitingCode;
  }

  get userId(): string | undefined {
    return this.stored?.userId;
  }

  get installId(): string | undefined {
    return this.stored?.installId;
  }

  /** Loads the stored session, then makes sure there is a usable token (may need two-factor). */
  async start(): Promise<void> {
    const saved = await readJson<StoredSession>(this.options.storage, SESSION_FILE);
    const installId = this.options.installId ?? saved?.installId ?? randomUUID();
    this.stored = { ...(saved?.installId === installId ? saved : {}), installId };
    if (this.options.accessToken) {
      // A newly imported token replaces whatever descended from an earlier one.
      const fingerprint = createHash('sha256').update(this.options.accessToken).digest('hex');
      if (this.stored.importedFrom !== fingerprint || !this.stored.token) {
        this.stored.token = this.options.accessToken;
        this.stored.expiresAt = jwtExpiry(this.options.accessToken);
        this.stored.importedFrom = fingerprint;
        this.stored.userId = jwtUserId(this.options.accessToken) ?? this.stored.userId;
        await this.save();
      }
    } else if (!saved || saved.installId !== installId) await this.save();
    if (this.stored.token) this.options.client.setToken(this.stored.token);
    if (!this.stored.token) return this.login();
    await this.ensureFresh();
  }

  /** Called by the client with every token the API hands back. */
  async onToken(token: string): Promise<void> {
    if (!this.stored || this.stored.token === token || this.awaitingCode) return;
    this.stored.token = token;
    this.stored.expiresAt = jwtExpiry(token) ?? this.stored.expiresAt;
    await this.save();
  }

  /** Rejects with two_factor_required while the install waits for its code. */
  assertReady(): void {
    if (this.awaitingCode)
      throw new LockbridgeError('two_factor_required', 'August needs the two-factor code sent to you', {
        vendor: 'august',
      });
    if (!this.stored?.token)
      throw new LockbridgeError('not_ready', 'August account is not logged in', { vendor: 'august' });
  }

  /** Refreshes the token when it is close to expiry (any authenticated GET returns a fresh one). */
  async ensureFresh(): Promise<void> {
    this.assertReady();
    const expiresAt = this.stored?.expiresAt;
    if (expiresAt === undefined || expiresAt - this.options.clock.now() > this.options.refreshMarginMs)
      return;
    this.refreshInFlight ??= this.refresh().finally(() => (this.refreshInFlight = undefined));
    return this.refreshInFlight;
  }

  /** Any authenticated GET returns a fresh token (yalexs uses GET /users/houses/mine). */
  async refresh(): Promise<void> {
    this.assertReady();
    this.options.logger.debug('August token refresh');
    try {
      await this.options.client.getHouses();
    } catch (err) {
      if (isLockbridgeError(err) && err.code === 'auth_failed') return this.relogin();
      throw err;
    }
  }

  /** Logs in again after a refused token; concurrent callers share one login. */
  relogin(): Promise<void> {
    return this.login();
  }

  private refusedImport(): LockbridgeError {
    return new LockbridgeError(
      'auth_failed',
      'August refused the imported access token (expired or revoked): import a new accessToken',
      { vendor: 'august' },
    );
  }

  private login(): Promise<void> {
    this.loginInFlight ??= this.doLogin().finally(() => (this.loginInFlight = undefined));
    return this.loginInFlight;
  }

  private async doLogin(): Promise<void> {
    const stored = this.requireStored();
    if (this.imported || !this.who || this.options.password === undefined) {
      // No password to log in with: the imported token (or its descendant) was refused.
      stored.token = undefined;
      stored.expiresAt = undefined;
      this.options.client.setToken(undefined);
      await this.save();
      throw this.refusedImport();
    }
    const who = this.who;
    const { session, token } = await this.options.client.login(
      stored.installId,
      who.identifier,
      this.options.password,
    );
    // yalexs authenticator_common.py: vPassword false is a wrong password, whatever else the answer says.
    if (session.vPassword === false) {
      this.awaitingCode = false;
      this.options.client.setToken(undefined);
      stored.token = undefined;
      stored.expiresAt = undefined;
      await this.save();
      throw new LockbridgeError('auth_failed', 'August did not accept the password', { vendor: 'august' });
    }
    stored.userId = session.userId;
    if (!session.vInstallId) {
      // The token of an unvalidated install only serves the validation calls: keep it in memory.
      this.awaitingCode = true;
      this.options.client.setToken(token);
      stored.token = undefined;
      stored.expiresAt = undefined;
      await this.save();
      this.options.logger.warn('August login needs a two-factor code for this install');
      throw new LockbridgeError('two_factor_required', 'August needs the two-factor code sent to you', {
        vendor: 'august',
      });
    }
    this.awaitingCode = false;
    stored.token = token;
    stored.expiresAt = jwtExpiry(token) ?? (session.expiresAt ? Date.parse(session.expiresAt) : undefined);
    this.options.client.setToken(token);
    await this.save();
    this.options.logger.info('August login ok');
  }

  /** Asks August to send a code to the account's email or phone. */
  async requestCode(): Promise<void> {
    if (!this.awaitingCode) {
      try {
        await this.login();
        return; // the install is validated after all
      } catch (err) {
        if (!isLockbridgeError(err) || err.code !== 'two_factor_required') throw err;
      }
    }
    const who = this.requireWho();
    await this.options.client.requestValidationCode(who.kind, who.value);
    this.options.logger.info(`August sent a two-factor code to the account's ${who.kind}`);
  }

  /** Validates the install with the code, then logs in again for a full token. */
  async submitCode(code: string): Promise<void> {
    if (typeof code !== 'string' || !/^\d{4,8}$/.test(code.trim()))
      throw new LockbridgeError('invalid_input', 'The two-factor code must be 4 to 8 digits');
    if (!this.awaitingCode) {
      try {
        await this.login();
        return;
      } catch (err) {
        if (!isLockbridgeError(err) || err.code !== 'two_factor_required') throw err;
      }
    }
    try {
      const who = this.requireWho();
      await this.options.client.validate(who.kind, who.value, code.trim());
    } catch (err) {
      if (isLockbridgeError(err) && (err.code === 'invalid_input' || err.code === 'auth_failed'))
        throw new LockbridgeError('invalid_input', 'August did not accept that two-factor code', {
          vendor: 'august',
        });
      throw err;
    }
    this.awaitingCode = false;
    await this.login();
  }

  /** Forgets the token (after logout). */
  async clear(): Promise<void> {
    const stored = this.requireStored();
    stored.token = undefined;
    stored.expiresAt = undefined;
    this.options.client.setToken(undefined);
    await this.save();
  }

  private requireWho(): ReturnType<typeof normalizeIdentifier> {
    if (!this.who)
      throw new LockbridgeError(
        'invalid_input',
        'This account logs in with an imported token: no code to send',
        {
          vendor: 'august',
        },
      );
    return this.who;
  }

  private requireStored(): StoredSession {
    if (!this.stored) throw new LockbridgeError('not_ready', 'August session not started');
    return this.stored;
  }

  private async save(): Promise<void> {
    if (this.stored) await writeJson(this.options.storage, SESSION_FILE, this.stored);
  }
}
