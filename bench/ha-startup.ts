/**
 * Start-up with Home Assistant discovery on: from starting the bridge to the first full state of every
 * lock on MQTT, and to every lock's discovery, with the number and size of the discovery messages.
 * `node --import tsx bench/ha-startup.ts <locks> <accounts>` prints one JSON line. The broker is an
 * aedes of the bench's own (the bridge connects to it by URL), so the measuring client is subscribed
 * before the bridge publishes anything, whether discovery is retained or not.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { silentLogger } from '../src/core/logger';
import { startMqttBridge } from '../src/mqtt';
import { Fleet } from './fleet';
import { nowMs, round, waitFor } from './stats';

const locks = Number(process.argv[2] ?? '100');
const accounts = Number(process.argv[3] ?? '8');
const LOCK_ID = /testvendor_l\d+/;

async function main(): Promise<void> {
  const fleet = new Fleet({ accounts, locks, emulator: { commandDelayMs: 0 } });
  await fleet.startEmulators();
  const hub = await fleet.startHub();
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = `mqtt://127.0.0.1:${address.port}`;

  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  await client.subscribeAsync(['lockbridge/+/state', 'homeassistant/#'], { qos: 0 });
  const states = new Set<string>();
  const discovered = new Set<string>();
  let messages = 0;
  let bytes = 0;
  let fullStateMs = 0;
  let fullDiscoveryMs = 0;
  let t0 = 0;
  client.on('message', (topic, payload) => {
    if (topic.startsWith('homeassistant/')) {
      messages++;
      bytes += payload.length;
      const id = LOCK_ID.exec(topic)?.[0];
      if (id) discovered.add(id);
      if (discovered.size === locks && fullDiscoveryMs === 0) fullDiscoveryMs = nowMs() - t0;
    } else {
      states.add(topic);
      if (states.size === locks && fullStateMs === 0) fullStateMs = nowMs() - t0;
    }
  });

  t0 = nowMs();
  const bridge = await startMqttBridge({
    source: hub,
    config: { url },
    logger: silentLogger,
    version: '0.0.0',
  });
  await waitFor(() => fullStateMs > 0 && fullDiscoveryMs > 0, 300_000, `${locks} states and discoveries`);
  // Let the rest of the discovery (a lock's later entity messages) arrive before counting.
  const settle = messages;
  await new Promise((r) => setTimeout(r, 2000));
  console.log(
    JSON.stringify({
      locks,
      accounts,
      firstFullStateMs: round(fullStateMs, 1),
      fullDiscoveryMs: round(fullDiscoveryMs, 1),
      discoveryMessages: messages,
      discoveryMessagesAtFullDiscovery: settle,
      discoveryBytes: bytes,
    }),
  );
  await client.endAsync(true);
  await bridge.stop();
  await fleet.stop();
  await new Promise((r) => broker.close(() => r(undefined)));
  server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
