/**
 * The runner's MQTT side: an MQTT 3.1.1 and an MQTT 5 client on the daemon's broker. Sends set commands
 * with a transaction and `expires_at`, and records every answer (the shared response topic, and the MQTT
 * 5 response topic with correlation data) and every state the bridge publishes, with their times.
 */
import mqtt, { type MqttClient } from 'mqtt';

export type Protocol = 4 | 5;
const BASE = 'lockbridge';

export interface Answer {
  status: string;
  code?: string;
  message?: string;
  at: number;
}

export interface CommandRecord {
  index: number;
  scenario: string;
  lock: string;
  command: string;
  transaction: string;
  protocol: Protocol;
  sentAt: number;
  deadline?: number;
  answer?: Answer;
}

export interface StateSample {
  state: string;
  at: number;
}

interface ResponseEnvelope {
  status?: unknown;
  transaction?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export class Commander {
  readonly commands: CommandRecord[] = [];
  readonly states = new Map<string, StateSample[]>();
  /** Answers to requests other than commands, by transaction (the raw envelope). */
  readonly requestAnswers = new Map<string, unknown>();
  private readonly waiters = new Map<number, Array<() => void>>();
  private readonly stateWaiters = new Set<() => void>();
  /** The MQTT 5 client is absent on a broker that speaks only 3.1.1 (the embedded aedes). */
  private clients: { 4: MqttClient; 5?: MqttClient };
  private readonly replyTopic = `chaos/reply/${process.pid}`;
  private nextTransaction = 1;

  private constructor(clients: { 4: MqttClient; 5?: MqttClient }) {
    this.clients = clients;
  }

  static async connect(url: string): Promise<Commander> {
    const commander = new Commander(await Commander.open(url));
    await commander.subscribe();
    return commander;
  }

  private static async open(url: string): Promise<{ 4: MqttClient; 5?: MqttClient }> {
    // Persistent sessions: a broker that keeps them (mosquitto) holds our answers while we reconnect.
    const options = { reconnectPeriod: 300, connectTimeout: 5000, clean: false };
    const v4 = await mqtt.connectAsync(url, {
      ...options,
      protocolVersion: 4,
      clientId: `chaos-v4-${process.pid}`,
    });
    try {
      const v5 = await mqtt.connectAsync(url, {
        ...options,
        protocolVersion: 5,
        clientId: `chaos-v5-${process.pid}`,
        properties: { sessionExpiryInterval: 600 },
        reconnectPeriod: 0,
      });
      v5.options.reconnectPeriod = options.reconnectPeriod;
      return { 4: v4, 5: v5 };
    } catch {
      return { 4: v4 };
    }
  }

  get speaksMqtt5(): boolean {
    return this.clients[5] !== undefined;
  }

  /** Points both clients at another broker (a daemon on an external broker). */
  async reconnect(url: string): Promise<void> {
    await this.close();
    this.clients = await Commander.open(url);
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const v4 = this.clients[4];
    const v5 = this.clients[5];
    v4.on('message', (topic, payload) => this.onMessage(topic, payload));
    v5?.on('message', (topic, payload, packet) => {
      if (topic !== this.replyTopic) return;
      const index = Number(packet.properties?.correlationData?.toString('utf8'));
      const record = this.commands[index];
      if (record && !record.answer) this.answer(record, payload);
    });
    // Subscriptions are made again on every reconnect, for a broker that lost our session (a restarted
    // embedded broker keeps nothing).
    const subscribeAll = () => {
      void v4
        .subscribeAsync([`${BASE}/bridge/response/#`, `${BASE}/+/state`], { qos: 1 })
        .catch(() => undefined);
      void v5?.subscribeAsync(this.replyTopic, { qos: 1 }).catch(() => undefined);
    };
    v4.on('connect', subscribeAll);
    v5?.on('connect', subscribeAll);
    await v4.subscribeAsync([`${BASE}/bridge/response/#`, `${BASE}/+/state`], { qos: 1 });
    await v5?.subscribeAsync(this.replyTopic, { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic.startsWith(`${BASE}/bridge/response/`) && topic !== `${BASE}/bridge/response/command`) {
      try {
        const body = JSON.parse(payload.toString('utf8')) as ResponseEnvelope;
        if (typeof body.transaction === 'string') this.requestAnswers.set(body.transaction, body);
      } catch {
        // not ours
      }
      return;
    }
    if (topic === `${BASE}/bridge/response/command`) {
      let body: ResponseEnvelope;
      try {
        body = JSON.parse(payload.toString('utf8')) as ResponseEnvelope;
      } catch {
        return;
      }
      const transaction = body.transaction;
      if (typeof transaction !== 'string') return;
      const record = this.commands.find((c) => c.transaction === transaction && !c.answer);
      if (record) this.answer(record, payload);
      return;
    }
    const m = /^lockbridge\/([^/]+)\/state$/.exec(topic);
    if (!m || m[1] === 'bridge' || payload.length === 0) return;
    try {
      const state = (JSON.parse(payload.toString('utf8')) as { state?: unknown }).state;
      if (typeof state !== 'string') return;
      const list = this.states.get(m[1]) ?? [];
      list.push({ state, at: Date.now() });
      this.states.set(m[1], list);
      for (const wake of this.stateWaiters) wake();
    } catch {
      // not a state: ignore
    }
  }

  private answer(record: CommandRecord, payload: Buffer): void {
    let body: ResponseEnvelope = {};
    try {
      body = JSON.parse(payload.toString('utf8')) as ResponseEnvelope;
    } catch {
      // counted as an answer all the same
    }
    record.answer = {
      status: String(body.status),
      code: typeof body.error?.code === 'string' ? body.error.code : undefined,
      message: typeof body.error?.message === 'string' ? body.error.message : undefined,
      at: Date.now(),
    };
    for (const wake of this.waiters.get(record.index) ?? []) wake();
    this.waiters.delete(record.index);
  }

  /** Publishes one set command (QoS 1); the record is kept whether or not an answer ever comes. */
  send(
    scenario: string,
    lock: string,
    command: string,
    options: { expiresInMs?: number; protocol?: Protocol; transaction?: string; code?: string } = {},
  ): CommandRecord {
    const sentAt = Date.now();
    const record: CommandRecord = {
      index: this.commands.length,
      scenario,
      lock,
      command,
      transaction: options.transaction ?? `chaos-${process.pid}-${this.nextTransaction++}`,
      protocol: options.protocol === 5 && this.clients[5] ? 5 : 4,
      sentAt,
      deadline: options.expiresInMs === undefined ? undefined : sentAt + options.expiresInMs,
    };
    this.commands.push(record);
    const body: Record<string, unknown> = { command, transaction: record.transaction, sent_at: sentAt };
    if (record.deadline !== undefined) body.expires_at = new Date(record.deadline).toISOString();
    if (options.code) body.code = options.code;
    const properties =
      record.protocol === 5
        ? { responseTopic: this.replyTopic, correlationData: Buffer.from(String(record.index)) }
        : undefined;
    this.client(record.protocol).publish(`${BASE}/${lock}/set`, JSON.stringify(body), { qos: 1, properties });
    return record;
  }

  /** Resolves when the record is answered or after timeoutMs (the record then stays unanswered). */
  waitAnswer(record: CommandRecord, timeoutMs: number): Promise<void> {
    if (record.answer) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const list = this.waiters.get(record.index) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(record.index, list);
    });
  }

  /** Resolves with the time the lock's published state first satisfies `test` after `since`, or undefined. */
  waitState(
    lock: string,
    test: (state: string) => boolean,
    since: number,
    timeoutMs: number,
  ): Promise<number | undefined> {
    const find = () => this.states.get(lock)?.find((s) => s.at >= since && test(s.state))?.at;
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const wake = () => {
        const at = find();
        if (at === undefined) return;
        finish(at);
      };
      const finish = (at: number | undefined) => {
        clearTimeout(timer);
        this.stateWaiters.delete(wake);
        resolve(at);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.stateWaiters.add(wake);
    });
  }

  /** The last state published for a lock. */
  lastState(lock: string): string | undefined {
    const list = this.states.get(lock);
    return list?.[list.length - 1]?.state;
  }

  /** A raw publish (the fuzzer). */
  publishRaw(
    protocol: Protocol,
    topic: string,
    payload: Buffer | string,
    options: mqtt.IClientPublishOptions,
  ): Promise<unknown> {
    return this.client(protocol).publishAsync(topic, payload, options);
  }

  /** The client of a protocol (MQTT 3.1.1's when the broker has no MQTT 5). */
  client(protocol: Protocol): MqttClient {
    return (protocol === 5 ? this.clients[5] : undefined) ?? this.clients[4];
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.clients[4].endAsync(true), this.clients[5]?.endAsync(true)]);
  }
}
