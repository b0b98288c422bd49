import { randomBytes } from 'node:crypto';

export interface TokenRecord<T> {
  token: string;
  data: T;
  expiresAt: number;
}

export type TokenCheck<T> =
  { ok: true; record: TokenRecord<T> } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/** Issued tokens with expiry; tests expire them all at once to drive refresh paths. */
export class TokenStore<T> {
  private readonly tokens = new Map<string, TokenRecord<T>>();

  constructor(
    private readonly prefix = 'tok_',
    private readonly now: () => number = Date.now,
  ) {}

  issue(data: T, ttlMs: number): TokenRecord<T> {
    const token = `${this.prefix}${randomBytes(18).toString('base64url')}`;
    const record = { token, data, expiresAt: this.now() + ttlMs };
    this.tokens.set(token, record);
    return record;
  }

  check(token: string | undefined): TokenCheck<T> {
    if (!token) return { ok: false, reason: 'missing' };
    const record = this.tokens.get(token);
    if (!record) return { ok: false, reason: 'invalid' };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Every issued token expires now. */
  expireAll(): void {
    for (const record of this.tokens.values()) record.expiresAt = 0;
  }

  get size(): number {
    return this.tokens.size;
  }
}

/** Reads "Bearer <token>" from an Authorization header. */
export function bearer(headers: Record<string, string>): string | undefined {
  const value = headers['authorization'];
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match?.[1];
}
