import { EmulatorHttpError, type EmuRequest, type EmuResponse, type EmulatorServer } from '../kit/server';

/**
 * The subscribe key the August and Yale Access apps use (yalexs const.py, BRAND_CONFIG August and
 * Yale Access `pubnub_subscribe_token`). The emulator accepts it and any key given in its options.
 */
export const AUGUST_PUBNUB_SUBSCRIBE_KEY = 'sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f';

export interface PubNubOptions {
  subscribeKeys: string[];
  /**
   * How long a subscribe with no news is held open. PubNub's REST docs: the long-poll returns after
   * about 280 s with an empty message list and the same timetoken; clients then ask again.
   */
  holdMs: number;
  /** Messages kept for subscribers that come back with an older timetoken (PubNub keeps a short backlog). */
  backlog: number;
}

interface Published {
  timetoken: bigint;
  channel: string;
  payload: unknown;
}

interface Waiter {
  channels: Set<string>;
  after: bigint;
  respond(res: EmuResponse): void;
}

/**
 * PubNub's subscribe protocol, as far as the `pubnub` SDK and august-api use it (PubNub REST API
 * "Subscribe": GET /v2/subscribe/{sub_key}/{channels}/0?tt=&tr=&uuid=; the SDK's
 * lib/core/endpoints/subscribe.js reads t.t, t.r and m[].{a,f,p.t,p.r,k,c,d,b}):
 * - tt=0 (or absent) is the handshake: answered at once with the current timetoken and no messages;
 * - tt=<timetoken>: the messages of the asked channels published after it, held open until one is
 *   published or holdMs passes (then an empty list and the same timetoken);
 * - timetokens are 17-digit strings, 1e-7 s since the epoch, strictly increasing here.
 * Presence leave and heartbeat answer 200, and GET /time/0 answers [timetoken] (the SDK's reconnect
 * probe). Anyone with the subscribe key may listen to a channel: the channel name is the secret.
 */
export class PubNubEndpoint {
  private readonly log: Published[] = [];
  private readonly waiters = new Set<Waiter>();
  /** The uuid query parameter of every subscribe (clients say who they are), for tests. */
  readonly uuids = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private last = 0n;
  private closed = false;

  constructor(
    server: EmulatorServer,
    private readonly options: PubNubOptions,
    private readonly now: () => number,
  ) {
    server.route('GET', '/v2/subscribe/:subkey/:channels/0', (req) => this.subscribe(req));
    server.route('GET', '/time/0', () => ({ status: 200, body: [this.timetoken().toString()] }));
    const presence = (action: string) => (req: EmuRequest) => {
      this.checkKey(req.params.subkey);
      return {
        status: 200,
        body: { status: 200, message: 'OK', action, service: 'Presence' },
      };
    };
    server.route('GET', '/v2/presence/sub-key/:subkey/channel/:channels/leave', presence('leave'));
    server.route('GET', '/v2/presence/sub_key/:subkey/channel/:channels/leave', presence('leave'));
    server.route('GET', '/v2/presence/sub-key/:subkey/channel/:channels/heartbeat', presence('heartbeat'));
    server.route('GET', '/v2/presence/sub_key/:subkey/channel/:channels/heartbeat', presence('heartbeat'));
  }

  /** Subscribe requests waiting for news. */
  get listening(): number {
    return this.waiters.size;
  }

  publish(channel: string, payload: unknown): void {
    const message: Published = { timetoken: this.timetoken(), channel, payload };
    this.log.push(message);
    if (this.log.length > this.options.backlog) this.log.splice(0, this.log.length - this.options.backlog);
    for (const waiter of [...this.waiters]) {
      if (waiter.channels.has(channel)) waiter.respond(this.answer(waiter.channels, waiter.after));
    }
  }

  /** Answers every held subscribe with a 503: a network blip the clients must recover from. */
  dropAll(): void {
    for (const waiter of [...this.waiters])
      waiter.respond({ status: 503, body: { status: 503, error: true, message: 'Service Unavailable' } });
  }

  close(): void {
    this.closed = true;
    this.dropAll();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private subscribe(req: EmuRequest): EmuResponse | Promise<EmuResponse> {
    this.checkKey(req.params.subkey);
    const uuid = req.query.get('uuid');
    if (uuid) this.uuids.add(uuid);
    const channels = new Set(
      req.params.channels
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c && c !== ','),
    );
    if (channels.size === 0)
      throw new EmulatorHttpError(400, 'Invalid channel', { status: 400, error: true });
    const tt = req.query.get('tt') ?? '0';
    if (!/^\d{1,20}$/.test(tt))
      throw new EmulatorHttpError(400, 'Invalid timetoken', { status: 400, error: true });
    const after = BigInt(tt);
    if (after === 0n) return this.answer(new Set(), this.timetoken());
    const ready = this.answer(channels, after);
    if (ready.body && (ready.body as { m: unknown[] }).m.length > 0) return ready;
    if (this.closed) return { status: 503, body: { status: 503, error: true, message: 'Closed' } };
    return new Promise<EmuResponse>((resolve) => {
      const waiter: Waiter = {
        channels,
        after,
        respond: (res) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          this.timers.delete(timer);
          resolve(res);
        },
      };
      const timer = setTimeout(() => waiter.respond(this.answer(channels, after)), this.options.holdMs);
      this.timers.add(timer);
      this.waiters.add(waiter);
      // The client left (an SDK aborts its long-poll to resubscribe or stop): stop holding.
      req.signal?.addEventListener('abort', () => waiter.respond({ status: 499 }), { once: true });
    });
  }

  /** The subscribe answer: messages on `channels` after `after`, and the timetoken to ask from next. */
  private answer(channels: Set<string>, after: bigint): EmuResponse {
    const messages = this.log.filter((m) => m.timetoken > after && channels.has(m.channel));
    const next = messages.length > 0 ? messages[messages.length - 1].timetoken : after;
    return {
      status: 200,
      body: {
        t: { t: next.toString(), r: 1 },
        m: messages.map((m) => ({
          a: '1',
          f: 0,
          p: { t: m.timetoken.toString(), r: 1 },
          k: this.options.subscribeKeys[0],
          c: m.channel,
          d: m.payload,
          b: m.channel,
        })),
      },
    };
  }

  private checkKey(key: string | undefined): void {
    if (!key || !this.options.subscribeKeys.includes(key))
      throw new EmulatorHttpError(400, 'Invalid Subscribe Key', {
        status: 400,
        error: true,
        service: 'Access Manager',
      });
  }

  private timetoken(): bigint {
    const t = BigInt(this.now()) * 10_000n;
    this.last = t > this.last ? t : this.last + 1n;
    return this.last;
  }
}
