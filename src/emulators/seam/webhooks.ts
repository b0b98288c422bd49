import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SeamEvent, SeamWebhook } from './types';
import type { SeamState } from './state';

export interface DeliveryRecord {
  webhook_id: string;
  event_id: string;
  svix_id: string;
  attempt: number;
  /** HTTP status, or 0 when the connection failed. */
  status: number;
  at: number;
  /** The JSON body sent (the event), for checks against Seam's event schema. */
  body: string;
  /** The svix-timestamp and svix-signature headers it went with. */
  timestamp: string;
  signature: string;
}

/** A new Svix-style secret: "whsec_" + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Svix signature header value for one message (written independently of the driver's verifier). */
export function svixSignature(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Delivers events to registered webhooks the Svix way: JSON event body, svix-id (stable across
 * retries), svix-timestamp (per attempt) and svix-signature; a non-2xx or failed attempt is retried on
 * the schedule in the state's timings. Every timer is cleared on stop().
 */
export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(private readonly state: SeamState) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.state.onEvent((event) => this.dispatch(event));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private matches(webhook: SeamWebhook, event: SeamEvent): boolean {
    const types = webhook.event_types ?? [];
    return types.includes('*') || types.includes(event.event_type);
  }

  dispatch(event: SeamEvent): void {
    for (const webhook of this.state.webhooks.values()) {
      if (this.matches(webhook, event)) this.later(webhook, event, `msg_${event.event_id}`, 0);
    }
  }

  private later(webhook: SeamWebhook, event: SeamEvent, svixId: string, attempt: number): void {
    const delays = this.state.timings.webhookRetryMs;
    if (this.stopped || attempt >= delays.length) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.send(webhook, event, svixId, attempt);
    }, delays[attempt]);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async send(webhook: SeamWebhook, event: SeamEvent, svixId: string, attempt: number): Promise<void> {
    if (this.stopped || !this.state.webhooks.has(webhook.webhook_id)) return;
    const body = JSON.stringify(event);
    const timestamp = Math.floor(this.state.now() / 1000);
    const signature = svixSignature(webhook.secret ?? '', svixId, timestamp, body);
    const status = await post(webhook.url, body, {
      'content-type': 'application/json',
      'svix-id': svixId,
      'svix-timestamp': String(timestamp),
      'svix-signature': signature,
    });
    this.deliveries.push({
      webhook_id: webhook.webhook_id,
      event_id: event.event_id,
      svix_id: svixId,
      attempt,
      status,
      at: this.state.now(),
      body,
      timestamp: String(timestamp),
      signature,
    });
    if (this.deliveries.length > 5000) this.deliveries.splice(0, 1000);
    if (status < 200 || status >= 300) this.later(webhook, event, svixId, attempt + 1);
  }
}

function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(0);
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
