import { randomBytes } from 'node:crypto';
import mqtt, {
  type IClientOptions,
  type IClientPublishOptions,
  type IConnackPacket,
  type MqttClient,
} from 'mqtt';
import { systemClock, type Clock } from '../core/clock';
import { LockbridgeError } from '../core/errors';
import type { Logger } from '../core/logger';
import { topicMatches } from './topics';
import { loadPem, safeUrl } from './tls';

/** An incoming message with the MQTT 5 properties the bridge cares about. */
export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  /** Set when the broker delivered a retained message (a replay, never a fresh command). */
  retain: boolean;
  responseTopic?: string;
  correlationData?: Buffer;
  /** Seconds left before the message expires, as the broker counted them down. */
  messageExpiryInterval?: number;
  /** The protocol of our connection (MQTT 5 properties exist only with 5). */
  protocolVersion: 4 | 5;
  /**
   * Set when the broker held the message for our session while we were away: when we went away
   * (epoch ms), or null when that is unknown (the session is older than this process). Absent: live.
   */
  heldSince?: number | null;
}

/**
 * A session the broker keeps while we are away (clean session false; MQTT 5 with a session expiry),
 * so commands published meanwhile are held and delivered when we are back.
 */
export interface PersistentSession {
  /** A topic only we publish on: the echo of a nonce sent after reconnecting marks the end of what was held. */
  barrierTopic: string;
  /** MQTT 5: how long the broker keeps the session after we went away. */
  expirySeconds: number;
}

export type MessageHandler = (message: IncomingMessage) => void;

export interface ConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  /** PEM text or file paths. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  /** 'auto' tries MQTT 5 and falls back to 3.1.1 when the broker refuses it (aedes). */
  protocolVersion?: 4 | 5 | 'auto';
  will?: { topic: string; payload: string };
  logger: Logger;
  connectTimeoutMs?: number;
  reconnectPeriodMs?: number;
  /** Keep the session at the broker; needs a stable clientId. Absent: a clean session. */
  persistentSession?: PersistentSession;
  clock?: Clock;
}

/** Messages no handler wanted yet, kept until the first handlers are in place (a persistent session only). */
const MAX_UNROUTED = 1000;
/** How long the end of the held messages is waited for before live delivery is assumed. */
const BARRIER_TIMEOUT_MS = 10_000;

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
  properties?: IClientPublishOptions['properties'];
}

/**
 * One MQTT client connection: typed publish/subscribe with per-filter handlers, a cache of retained
 * publications that is republished after every reconnect (a broker that restarted without persistence
 * gets our state back), and a stop that leaves no socket or timer behind.
 */
export class MqttConnection {
  private readonly handlers = new Set<{ filter: string; handler: MessageHandler }>();
  private readonly retained = new Map<string, { payload: string; qos: 0 | 1 }>();
  private readonly connectListeners = new Set<() => void>();
  private closed = false;
  private readonly clock: Clock;
  /** While set, what arrives was held by the broker (sent before the barrier's nonce comes back). */
  private hold?: { since: number | null; nonce: string; timer: NodeJS.Timeout };
  private disconnectedAt?: number;
  /** Messages that arrived before a handler for them existed; undefined once the owner is ready. */
  private unrouted?: IncomingMessage[];

  private constructor(
    private readonly client: MqttClient,
    private readonly logger: Logger,
    readonly protocolVersion: 4 | 5,
    private readonly options: ConnectionOptions,
    firstConnack: IConnackPacket,
  ) {
    this.clock = options.clock ?? systemClock;
    if (options.persistentSession) this.unrouted = [];
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    noDelay(client);
    // Constructed after the first CONNACK, so every 'connect' from here on is a reconnect.
    client.on('connect', (connack: IConnackPacket) => {
      noDelay(client);
      this.logger.info('Reconnected to the MQTT broker; republishing retained state');
      this.afterConnect(connack, this.disconnectedAt ?? null);
      this.disconnectedAt = undefined;
      this.republishRetained();
      for (const listener of [...this.connectListeners]) listener();
    });
    client.on('close', () => {
      this.disconnectedAt ??= this.clock.now();
    });
    client.on('offline', () => {
      if (!this.closed) this.logger.warn('The MQTT broker went away; reconnecting');
    });
    // Without a listener, an 'error' event would crash the process.
    client.on('error', (err) => this.logger.debug(`MQTT client error: ${err.name}`));
    // The session may be older than this process: what it held has an unknown age.
    this.afterConnect(firstConnack, null);
  }

  private onMessage(topic: string, payload: Buffer, packet: mqtt.IPublishPacket): void {
    const barrier = this.options.persistentSession?.barrierTopic;
    if (barrier !== undefined && topic === barrier) {
      if (this.hold && payload.toString('utf8') === this.hold.nonce) this.endHold();
      return;
    }
    const props = packet.properties;
    const message: IncomingMessage = {
      topic,
      payload,
      retain: packet.retain === true,
      responseTopic: props?.responseTopic,
      correlationData: props?.correlationData,
      messageExpiryInterval: props?.messageExpiryInterval,
      protocolVersion: this.protocolVersion,
    };
    if (this.hold) message.heldSince = this.hold.since;
    let routed = false;
    for (const { filter, handler } of [...this.handlers]) {
      if (!topicMatches(filter, topic)) continue;
      routed = true;
      this.deliver(handler, message);
    }
    if (!routed && this.unrouted && this.unrouted.length < MAX_UNROUTED) this.unrouted.push(message);
  }

  private deliver(handler: MessageHandler, message: IncomingMessage): void {
    try {
      handler(message);
    } catch (err) {
      this.logger.error(
        `An MQTT handler failed on ${message.topic}: ${err instanceof Error ? err.name : 'error'}`,
      );
    }
  }

  /**
   * With a persistent session the broker may deliver what it held for us first; those messages are
   * marked until our own nonce, published after the CONNACK, comes back on the barrier topic.
   */
  private afterConnect(connack: IConnackPacket, since: number | null): void {
    const session = this.options.persistentSession;
    if (!session || !connack.sessionPresent) return;
    if (this.hold) clearTimeout(this.hold.timer);
    const nonce = randomBytes(12).toString('hex');
    const timer = setTimeout(() => this.endHold(), BARRIER_TIMEOUT_MS);
    timer.unref();
    this.hold = { since, nonce, timer };
    const qos = { qos: 1 } as const;
    this.client
      .subscribeAsync(session.barrierTopic, qos)
      .then(() => this.client.publishAsync(session.barrierTopic, nonce, qos))
      .catch(() => this.endHold());
  }

  private endHold(): void {
    if (this.hold) clearTimeout(this.hold.timer);
    this.hold = undefined;
  }

  /**
   * The owner has put its first handlers in place: messages that found none until now are dropped,
   * and from here on unrouted messages are not kept.
   */
  ready(): void {
    this.unrouted = undefined;
  }

  /** Connects once (resolves on the first CONNACK), then keeps reconnecting on its own. */
  static async connect(options: ConnectionOptions): Promise<MqttConnection> {
    const wanted = options.protocolVersion ?? 'auto';
    if (wanted !== 'auto') return MqttConnection.connectWith(options, wanted);
    try {
      return await MqttConnection.connectWith(options, 5);
    } catch (err) {
      if (err instanceof ProtocolRefused) {
        options.logger.debug('The broker refused MQTT 5; using MQTT 3.1.1');
        return MqttConnection.connectWith(options, 4);
      }
      throw err;
    }
  }

  private static connectWith(options: ConnectionOptions, protocolVersion: 4 | 5): Promise<MqttConnection> {
    const clientOptions: IClientOptions = {
      protocolVersion,
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      clean: options.persistentSession === undefined,
      properties:
        options.persistentSession && protocolVersion === 5
          ? { sessionExpiryInterval: options.persistentSession.expirySeconds }
          : undefined,
      reconnectPeriod: options.reconnectPeriodMs ?? 2000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      ca: loadPem(options.ca, 'ca'),
      cert: loadPem(options.cert, 'cert'),
      key: loadPem(options.key, 'key'),
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      will: options.will
        ? { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true }
        : undefined,
    };
    const client = mqtt.connect(options.url, clientOptions);
    const timeoutMs = (options.connectTimeoutMs ?? 10_000) + 500;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        cleanup();
        client.end(true);
        reject(err);
      };
      const onError = (err: Error & { code?: number }) => {
        if (err.code === 1 || err.code === 132 || /protocol version/i.test(err.message)) {
          fail(new ProtocolRefused());
        } else if (err.code === 4 || err.code === 5 || err.code === 134 || err.code === 135) {
          fail(
            new LockbridgeError(
              'auth_failed',
              `The MQTT broker at ${safeUrl(options.url)} refused our login`,
            ),
          );
        }
        // Other errors (refused connection ...) are retried by mqtt.js until the timeout.
      };
      const timer = setTimeout(
        () =>
          fail(
            new LockbridgeError(
              'vendor_unavailable',
              `Could not connect to the MQTT broker at ${safeUrl(options.url)}`,
            ),
          ),
        timeoutMs,
      );
      const onConnect = (connack: IConnackPacket) => {
        cleanup();
        resolve(new MqttConnection(client, options.logger, protocolVersion, options, connack));
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('error', onError);
        client.off('connect', onConnect);
      };
      client.on('error', onError);
      client.once('connect', onConnect);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Publishes; never rejects (a failed publish is logged; retained ones come back on reconnect). */
  async publish(topic: string, payload: string, options: PublishOptions = {}): Promise<void> {
    if (this.closed) return;
    const qos = options.qos ?? 1;
    if (options.retain) {
      if (payload === '') this.retained.delete(topic);
      else this.retained.set(topic, { payload, qos });
      // Offline: the reconnect republishes the latest value; queueing stale ones would only reorder.
      if (!this.client.connected) return;
    }
    try {
      await this.client.publishAsync(topic, payload, {
        qos,
        retain: options.retain ?? false,
        properties: options.properties,
      });
    } catch (err) {
      this.logger.debug(`Publishing on ${topic} failed: ${err instanceof Error ? err.message : 'error'}`);
    }
  }

  /** Subscribes a handler to a filter; the returned function removes the handler. */
  async subscribe(filter: string, handler: MessageHandler, qos: 0 | 1 = 1): Promise<() => void> {
    const entry = { filter, handler };
    this.handlers.add(entry);
    // What the broker delivered before this handler existed (held for our session) is its now.
    if (this.unrouted) {
      const mine = this.unrouted.filter((m) => topicMatches(filter, m.topic));
      this.unrouted = this.unrouted.filter((m) => !mine.includes(m));
      for (const message of mine) this.deliver(handler, message);
    }
    // MQTT 5: retain-as-published, so a retained command is recognisable even on a live subscription.
    await this.client.subscribeAsync(filter, this.protocolVersion === 5 ? { qos, rap: true } : { qos });
    return () => {
      this.handlers.delete(entry);
      // A persistent session keeps its subscriptions at the broker, so what comes while we are
      // stopped is held for the next start (and judged stale or not then).
      if (this.options.persistentSession) return;
      if ([...this.handlers].every((h) => h.filter !== filter) && !this.closed)
        this.client.unsubscribeAsync(filter).catch(() => undefined);
    };
  }

  /** Called after each reconnect (not the first connect). */
  onReconnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  private republishRetained(): void {
    for (const [topic, { payload, qos }] of this.retained) {
      this.client.publishAsync(topic, payload, { qos, retain: true }).catch(() => undefined);
    }
  }

  /** Disconnects cleanly (no last will) and forgets everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endHold();
    this.unrouted = undefined;
    this.handlers.clear();
    this.connectListeners.clear();
    // A graceful end waits for in-flight acknowledgements; a broker that is gone would make it wait
    // forever, so it gets two seconds before the socket is simply closed.
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.client.endAsync(false).then(
      () => true,
      () => false,
    );
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
    const done = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!done) await this.client.endAsync(true).catch(() => undefined);
  }
}

/** No Nagle on the socket: a request and its answer are small packets that would wait for delayed ACKs. */
function noDelay(client: MqttClient): void {
  const stream = client.stream as unknown as { setNoDelay?: (on: boolean) => void };
  stream.setNoDelay?.(true);
}

class ProtocolRefused extends Error {
  constructor() {
    super('The broker refused the MQTT protocol version');
    this.name = 'ProtocolRefused';
  }
}
