import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Svix webhook signatures, as Seam sends them: `svix-signature` holds space-separated "v1,<base64>"
 * entries, each base64(HMAC-SHA256(key, `${svix-id}.${svix-timestamp}.${rawBody}`)), where the key is
 * the base64 part of the "whsec_..." secret.
 */
export interface SvixHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

export type SvixVerdict =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'too_old' | 'too_new' | 'bad_signature' };

export function svixKey(secret: string): Buffer {
  const raw = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(raw, 'base64');
}

export function svixSign(secret: string, id: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', svixKey(secret)).update(`${id}.${timestamp}.${rawBody}`).digest('base64');
}

/** Verifies one delivery: constant-time signature compare and a replay window around now. */
export function verifySvix(
  secret: string,
  headers: SvixHeaders,
  rawBody: string,
  nowMs: number,
  toleranceSeconds: number,
): SvixVerdict {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ageSeconds = nowMs / 1000 - Number(timestamp);
  if (ageSeconds > toleranceSeconds) return { ok: false, reason: 'too_old' };
  if (ageSeconds < -toleranceSeconds) return { ok: false, reason: 'too_new' };
  const expected = Buffer.from(svixSign(secret, id, timestamp, rawBody), 'base64');
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    // timingSafeEqual needs equal lengths; a length mismatch is simply not a match.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}
