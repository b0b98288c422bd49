import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SmartphoneKey's EventBridge deliveries carry a static Bearer set in the partner portal (no HMAC).
 * Compared in constant time, on digests so unequal lengths leak nothing either.
 */
export function bearerMatches(header: string | undefined, bearer: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${bearer}`));
}
