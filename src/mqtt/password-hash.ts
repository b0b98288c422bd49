import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LockbridgeError } from '../core/errors';

/**
 * Salted scrypt hashes for the embedded broker's users, so the configuration never has to hold a
 * password: `$scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>` (the PHC string layout).
 * `lockbridge hash-password` prints one.
 */
const PREFIX = '$scrypt$';
const DEFAULT_COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SHAPE = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  hash: Buffer;
}

function derive(password: Buffer | string, salt: Buffer, length: number, cost: ParsedHash['cost']) {
  // maxmem above scrypt's need (128 * N * r), so accepted hashes with a higher cost still verify.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Undefined when the text is not a hash this module can verify. */
export function parsePasswordHash(text: string): ParsedHash | undefined {
  const m = SHAPE.exec(text.trim());
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // N a power of two; bounds keep a hostile config from asking for gigabytes.
  if (N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(m[4], 'base64');
  const hash = Buffer.from(m[5], 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

export function isPasswordHash(text: string): boolean {
  return parsePasswordHash(text) !== undefined;
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new LockbridgeError('invalid_input', 'The password is empty');
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LENGTH, DEFAULT_COST);
  const { N, r, p } = DEFAULT_COST;
  return `${PREFIX}N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether the password matches the hash; the comparison is constant-time. */
export async function verifyPassword(password: Buffer | string, stored: ParsedHash): Promise<boolean> {
  const derived = await derive(password, stored.salt, stored.hash.length, stored.cost);
  return timingSafeEqual(derived, stored.hash);
}

/** A hash made at once, for a decoy nobody logs in with (the cheapest cost accepted). */
export function hashPasswordSync(password: string): ParsedHash {
  const salt = randomBytes(16);
  const cost = { N: 1024, r: 8, p: 1 };
  return { cost, salt, hash: scryptSync(password, salt, KEY_LENGTH, cost) };
}
