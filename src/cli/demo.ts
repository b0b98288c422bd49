import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LockbridgeConfig } from '../config/types';
import { startDaemon, untilSignal } from './daemon';

/** `lockbridge demo`: the sandbox, with a guide printed to stdout. */
export async function runDemo(
  options: { mqttPort: number; verbose: boolean },
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbridge-demo-'));
  const config: LockbridgeConfig = {
    accounts: [{ vendor: 'sandbox', id: 'demo' }],
    // The sandbox's codes are fake, so the demo publishes them: generated codes can be seen over MQTT.
    mqtt: {
      embedded: { host: '127.0.0.1', port: options.mqttPort },
      homeAssistant: { enabled: true },
      publishCodes: true,
    },
    polling: { intervalSeconds: 15 },
  };
  let daemon;
  try {
    daemon = await startDaemon(config, dataDir, options.verbose);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  try {
    const locks = await daemon.runtime.hub.listLocks();
    const url = new URL(daemon.bridge.brokerUrl);
    const host = url.hostname;
    const port = url.port || '1883';
    const lines = [
      'Lockbridge demo: the sandbox is running (no vendor account needed).',
      '',
      ...daemon.runtime.sandbox.map((s) => `  ${s.vendor.padEnd(14)} emulator  ${s.url}`),
      '',
      `MQTT broker: ${daemon.bridge.brokerUrl}`,
      '',
      `Locks (${locks.length}):`,
      ...locks.map(
        (l) =>
          `  ${l.id.padEnd(44)} ${l.name.padEnd(22)} ${l.status.state.padEnd(9)} ${l.capabilities.filter((c) => ['lock', 'unlock', 'open', 'access_codes', 'duplicate', 'keys', 'mobile_keys'].includes(c)).join(',')}`,
      ),
      '',
      'Try it (in another terminal):',
      `  npx mqtt sub -h ${host} -p ${port} -t 'lockbridge/#' -v`,
      ...(locks[0]
        ? [`  npx mqtt pub -h ${host} -p ${port} -t 'lockbridge/${locks[0].id}/set' -m UNLOCK`]
        : []),
      ...(locks[0]
        ? [
            `  npx mqtt pub -h ${host} -p ${port} -t 'lockbridge/bridge/request/codes/generate' -m '{"lock":"${locks[0].id}","transaction":"1"}'`,
          ]
        : []),
      '  Home Assistant: point its MQTT integration at the broker above; the locks appear by discovery.',
      '',
      'Press Ctrl-C to stop.',
      '',
    ];
    out.write(lines.join('\n'));
    const signal = await untilSignal();
    daemon.logger.info(`${signal}: stopping`);
  } finally {
    await daemon.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
