import mqtt from 'mqtt';

/**
 * The subscriber of bench/bridge-fanout.ts, in its own process: counts state messages and measures
 * the latency from the change (updated_at, set by the bench at the change) to delivery here.
 */
async function main(): Promise<void> {
  const client = await mqtt.connectAsync(process.argv[2]);
  let n = 0;
  let lat: number[] = [];
  client.on('message', (_topic, payload) => {
    n++;
    const at = Date.parse((JSON.parse(payload.toString()) as { updated_at: string }).updated_at);
    lat.push(Date.now() - at);
  });
  await client.subscribeAsync('lockbridge/+/state', { qos: 0 });
  // The retained states arrive first; they are not changes.
  await new Promise((r) => setTimeout(r, 1000));
  n = 0;
  lat = [];
  process.send?.({ ready: true });
  setInterval(() => {
    if (n > 0) process.send?.({ n, lat });
    n = 0;
    lat = [];
  }, 20);
}

void main();
