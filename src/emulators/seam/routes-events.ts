import { randomUUID } from 'node:crypto';
import type { SeamWebhook } from './types';
import { SEAM_ERROR_TYPES, invalidInput, notFound } from './errors';
import { optNumber, optString, optStringArray, reqString } from './params';
import type { Registrar } from './registrar';
import type { SeamState } from './state';
import { newWebhookSecret } from './webhooks';

export function registerEventRoutes(r: Registrar, state: SeamState): void {
  // events/list needs since or between (Seam answers 400 without either), oldest first.
  r.add('/events/list', (p) => {
    const since = optString(p, 'since');
    const between = optStringArray(p, 'between');
    if (!since && !between) throw invalidInput('Must specify either since or between', 'since');
    let from: number;
    let to = Infinity;
    if (between) {
      if (between.length !== 2) throw invalidInput('between needs two dates', 'between');
      from = Date.parse(between[0]);
      to = Date.parse(between[1]);
    } else from = Date.parse(since as string);
    if (Number.isNaN(from) || Number.isNaN(to)) throw invalidInput('since/between must be dates', 'since');
    const deviceIds =
      optStringArray(p, 'device_ids') ??
      (optString(p, 'device_id') ? [optString(p, 'device_id') as string] : undefined);
    const types =
      optStringArray(p, 'event_types') ??
      (optString(p, 'event_type') ? [optString(p, 'event_type') as string] : undefined);
    const limit = optNumber(p, 'limit') ?? 500;
    const events = state.events
      .filter((e) => {
        const at = Date.parse(e.created_at);
        return at >= from && at <= to;
      })
      .filter(
        (e) =>
          (!deviceIds || (e.device_id !== undefined && deviceIds.includes(e.device_id))) &&
          (!types || types.includes(e.event_type)),
      )
      .slice(0, limit);
    return { events };
  });

  r.add(
    '/webhooks/create',
    (p) => {
      const url = reqString(p, 'url');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalidInput('url must be a URL', 'url');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw invalidInput('url must be http(s)', 'url');
      const webhook: SeamWebhook = {
        webhook_id: randomUUID(),
        url,
        event_types: optStringArray(p, 'event_types') ?? ['*'],
        secret: newWebhookSecret(),
      };
      state.webhooks.set(webhook.webhook_id, webhook);
      return { webhook };
    },
    ['POST'],
  );
  r.add('/webhooks/list', () => ({
    webhooks: [...state.webhooks.values()].map(({ secret: _secret, ...w }) => w),
  }));
  r.add('/webhooks/get', (p) => {
    const webhook = state.webhooks.get(reqString(p, 'webhook_id'));
    if (!webhook) throw notFound(SEAM_ERROR_TYPES.webhookNotFound, 'webhook');
    return { webhook };
  });
  r.add(
    '/webhooks/delete',
    (p) => {
      const id = reqString(p, 'webhook_id');
      if (!state.webhooks.delete(id)) throw notFound(SEAM_ERROR_TYPES.webhookNotFound, 'webhook');
      return {};
    },
    ['POST', 'DELETE'],
  );
}
