/**
 * Fuzzed MQTT traffic at the bridge: set and request topics with mangled JSON, wrong types, stale and
 * absurd times, random bytes, oversized payloads, retained flags, and (MQTT 5) response topics that
 * point at other applications, odd correlation data and expiry intervals. Deterministic from a seed.
 * The daemon must not die, and afterwards a real command to another lock must still be answered.
 */
import mqtt, { type IClientPublishOptions } from 'mqtt';
import { delay, type Scenario } from './harness';

/** mulberry32: small, seedable, good enough to pick cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS = [
  'command',
  'lock',
  'locks',
  'codes/list',
  'codes/create',
  'codes/update',
  'codes/delete',
  'codes/generate',
  'codes/validate',
  'codes/set',
  'share',
  'share/key',
  'share/duplicate',
  'shares/list',
  'accounts',
  'two_factor/submit',
  'nope',
  '../../x',
  '',
];
const FOREIGN_RESPONSE_TOPICS = [
  'zigbee2mqtt/garage_door/set',
  'homeassistant/lock/x/config',
  'lockbridge/bridge/state',
  'chaos/fuzz/reply',
  '#',
  '',
];

export interface FuzzOptions {
  messages: number;
  protocol: 4 | 5;
  seed: number;
  /** A lock the fuzz may command (it gets its own lock, nothing else is touched). */
  lock: string;
}

function fuzzMessage(
  rand: () => number,
  o: FuzzOptions,
): { topic: string; payload: Buffer; options: IClientPublishOptions } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const now = Date.now();
  const anyValue = (): unknown =>
    pick([
      null,
      true,
      0,
      -1,
      1e308,
      'UNLOCK',
      'x'.repeat(Math.floor(rand() * 500)),
      [],
      {},
      { nested: { deep: [1] } },
      now,
      '\n\u0000\u202e',
      'NaN',
    ]);
  const time = (): unknown =>
    pick([
      now - 60_000,
      now - 1,
      now + 500,
      new Date(now + 800).toISOString(),
      'tomorrow',
      -5,
      1e20,
      anyValue(),
    ]);
  const roll = rand();
  let topic: string;
  if (roll < 0.45) topic = `lockbridge/${o.lock}/set`;
  else if (roll < 0.75) topic = `lockbridge/bridge/request/${pick(OPERATIONS)}`;
  else if (roll < 0.85)
    topic = `lockbridge/${pick(['', 'x\ny', 'august_', 'bridge', 'a'.repeat(300), '+'.slice(0, 0) + 'seam_zz'])}/set`;
  // Topics the embedded broker refuses to a client: it closes the connection, so keep these rare.
  else if (roll < 0.87) topic = `lockbridge/chaos-fuzz/${Math.floor(rand() * 1000)}`;
  else if (roll < 0.99) topic = `lockbridge/bridge/request/${pick(OPERATIONS)}`;
  else topic = 'homeassistant/status';

  const shape = rand();
  let payload: Buffer;
  if (topic === 'homeassistant/status') payload = Buffer.from(pick(['online', 'offline', '']));
  else if (shape < 0.55) {
    // Well formed but wrong: every command carries a time that keeps it from queuing for long.
    const body: Record<string, unknown> = {
      command: pick(['LOCK', 'UNLOCK', 'OPEN', 'STATUS', 'unlock', 'OPEN ', '', 'SELF_DESTRUCT', anyValue()]),
      expires_at: time(),
    };
    if (rand() < 0.5)
      body.transaction = pick([`fz-${Math.floor(rand() * 1e6)}`, Math.floor(rand() * 1e6), anyValue()]);
    if (rand() < 0.3) body.sent_at = time();
    if (rand() < 0.3) body.code = anyValue();
    if (rand() < 0.3) body.lock = pick([o.lock, anyValue()]);
    if (rand() < 0.2) body.lockIds = [o.lock, anyValue()];
    if (rand() < 0.2) body.name = anyValue();
    if (rand() < 0.2) body[pick(['__proto__', 'constructor', 'timeout_ms', 'schedule'])] = anyValue();
    payload = Buffer.from(JSON.stringify(body));
  } else if (shape < 0.75) {
    payload = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
  } else if (shape < 0.9) {
    const valid = JSON.stringify({ command: 'UNLOCK', expires_at: now - 1000, transaction: 'fz' });
    const cut = Math.floor(rand() * valid.length);
    payload = Buffer.from(valid.slice(0, cut) + pick(['', '}', '{{', '\u0000', '"']) + valid.slice(cut + 1));
  } else if (shape < 0.995) {
    payload = Buffer.from(pick(['', ' ', 'null', '[]', '1', '"UNLOCK"', 'lock', '{"command":null}', '{}']));
  } else {
    payload = Buffer.alloc(64 * 1024 + Math.floor(rand() * 8000), 0x7b);
  }

  // QoS 0: a QoS 1 message the broker answers by closing the connection would be sent again on every
  // reconnect (the client keeps it until acknowledged) and stall the fuzz.
  const options: IClientPublishOptions = { qos: 0, retain: rand() < 0.05 };
  if (o.protocol === 5 && rand() < 0.6) {
    options.properties = {
      ...(rand() < 0.5 ? { responseTopic: pick(FOREIGN_RESPONSE_TOPICS) || 'chaos/fuzz/reply' } : {}),
      ...(rand() < 0.5
        ? {
            correlationData: Buffer.from(
              Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)),
            ),
          }
        : {}),
      ...(rand() < 0.3 ? { messageExpiryInterval: Math.floor(rand() * 4) } : {}),
      ...(rand() < 0.2 ? { userProperties: { who: 'mallory', 'x\ny': 'z' } } : {}),
      ...(rand() < 0.1 ? { payloadFormatIndicator: true, contentType: 'application/json' } : {}),
    };
  }
  return { topic, payload, options };
}

/** Publishes the fuzz from a connection of its own (the bridge may close it: it reconnects). */
async function publishFuzz(
  url: string,
  o: FuzzOptions,
  log: (line: string) => void,
): Promise<{ published: number; disconnects: number; stuck: boolean }> {
  const rand = prng(o.seed);
  const client = await mqtt.connectAsync(url, {
    protocolVersion: o.protocol,
    clientId: `chaos-fuzz-${o.protocol}-${process.pid}`,
    reconnectPeriod: 50,
    clean: true,
    queueQoSZero: false,
  });
  let disconnects = 0;
  client.on('close', () => (disconnects += 1));
  client.on('error', () => undefined);
  let published = 0;
  let stuck = false;
  try {
    for (let i = 0; i < o.messages; i++) {
      const { topic, payload, options } = fuzzMessage(rand, o);
      if (!client.connected) {
        const connected = await new Promise<boolean>((r) => {
          const timer = setTimeout(() => r(false), 15_000);
          client.once('connect', () => {
            clearTimeout(timer);
            r(true);
          });
        });
        if (!connected) {
          stuck = true;
          break;
        }
      }
      if (i % 1000 === 999) log(`  fuzz: ${i + 1} messages, ${disconnects} disconnects`);
      // A topic with a wildcard or an empty one is refused by the client library itself.
      if (topic.includes('#') || topic.includes('+') || !topic) continue;
      client.publish(topic, payload, options, () => undefined);
      published += 1;
      // Let the broker breathe every 100 messages (and the client's queue drain).
      if (i % 100 === 99) await delay(20);
    }
    await delay(500);
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
  return { published, disconnects, stuck };
}

export function fuzz(messages: number, protocol: 4 | 5, seed: number): Scenario {
  return {
    name: `${messages} fuzzed MQTT ${protocol === 5 ? '5' : '3.1.1'} messages`,
    mode: 'aggregate',
    async run(h) {
      const [lock, probe] = h.take('seam', 2);
      const { published, disconnects, stuck } = await publishFuzz(
        h.daemon.url,
        { messages, protocol, seed, lock },
        (line) => h.log(line),
      );
      // The bridge still does its job: a real command to another lock is answered.
      const record = h.send(probe, h.toggle(probe), { expiresInMs: 15_000, protocol });
      await h.settle([record]);
      // The fuzz lock is not ours to count (fuzzed commands may legitimately move it).
      return {
        locks: [probe],
        notes: [
          ...(stuck ? [`the fuzz client could not reconnect for 15 s after ${published} messages`] : []),
          `${published} published (seed ${seed}), the fuzz client was disconnected ${disconnects} times; daemon ${h.daemon.running ? 'alive' : 'DEAD'}`,
        ],
      };
    },
  };
}
