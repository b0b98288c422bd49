import { createHmac } from 'node:crypto';
import { LockbridgeError } from '../../core/errors';
import { constantTimeEqual, type WebhookDelivery } from '../../http/webhook-listener';

/**
 * How SmartphoneKey authenticates a webhook delivery, as configured on its EventBridge connection.
 * spk-alex/documentationai-Docs events-webhooks.mdx names these types; revisions up to 0aaa414
 * (2026-05-04) list `hmac_sha256` (HMAC-SHA256 hex of the raw body in a configurable header, example
 * `X-SPK-Signature`), `bearer_token` and `header`; f5ae44a (2026-05-29) renames the static ones
 * `bearerToken` and `apiKeyHeader` and says body signing is not currently offered. All are accepted.
 */
export const SPK_WEBHOOK_AUTH_TYPES = [
  'hmac_sha256',
  'bearer_token',
  'header',
  'bearerToken',
  'apiKeyHeader',
] as const;
export type SpkWebhookAuthType = (typeof SPK_WEBHOOK_AUTH_TYPES)[number];

export interface SpkWebhookAuth {
  type: SpkWebhookAuthType;
  secret: string;
  /** The header that carries the signature or the static secret (hmac_sha256 and header types). */
  header?: string;
}

/** The documented example header for signatures (events-webhooks.mdx, 0aaa414). */
export const SPK_DEFAULT_SIGNATURE_HEADER = 'x-spk-signature';

/** A static `Authorization: Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, bearer: string): boolean {
  return constantTimeEqual(header ?? '', `Bearer ${bearer}`);
}

function headerValue(delivery: WebhookDelivery, name: string): string {
  const value = delivery.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The check the webhook listener runs on every delivery before its body is parsed. */
export function spkWebhookAuthorizer(auth: SpkWebhookAuth): (delivery: WebhookDelivery) => boolean {
  if (!auth.secret) throw new LockbridgeError('invalid_config', 'SmartphoneKey webhook auth needs a secret');
  switch (auth.type) {
    case 'bearer_token':
    case 'bearerToken':
      return (d) => bearerMatches(headerValue(d, 'authorization'), auth.secret);
    case 'header':
    case 'apiKeyHeader': {
      const name = auth.header;
      if (!name)
        throw new LockbridgeError('invalid_config', `SmartphoneKey webhook auth ${auth.type} needs a header`);
      return (d) => constantTimeEqual(headerValue(d, name), auth.secret);
    }
    case 'hmac_sha256': {
      const name = auth.header ?? SPK_DEFAULT_SIGNATURE_HEADER;
      return (d) => {
        const expected = createHmac('sha256', auth.secret).update(d.body).digest('hex');
        const received = headerValue(d, name)
          .trim()
          .toLowerCase()
          .replace(/^sha256=/, '');
        return constantTimeEqual(received, expected);
      };
    }
    default:
      throw new LockbridgeError('invalid_config', 'Unknown SmartphoneKey webhook auth type');
  }
}
