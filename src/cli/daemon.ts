import { homedir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '../core/storage';
import { RedactingLogger, consoleSink, type Logger } from '../core/logger';
import { globalRedactor } from '../core/redact';
import type { LockbridgeConfig } from '../config/types';
import { createRuntime, type Runtime } from '../runtime';
import { startMqttBridge, type MqttBridge } from '../mqtt';
import { VERSION } from '../version';

export interface Daemon {
  runtime: Runtime;
  bridge: MqttBridge;
  logger: Logger;
  stop(): Promise<void>;
}

export function defaultDataDir(): string {
  return join(homedir(), '.lockbridge');
}

/** Starts the hub and the MQTT bridge for a configuration; shared by `run` and `demo`. */
export async function startDaemon(
  config: LockbridgeConfig,
  dataDir: string,
  verbose: boolean,
): Promise<Daemon> {
  const logger = new RedactingLogger(consoleSink(), {
    level: verbose ? 'debug' : (config.logLevel ?? 'info'),
    redactor: globalRedactor,
  });
  const runtime = await createRuntime(config, {
    storage: new FileStorage(dataDir),
    logger,
    secretSink: globalRedactor,
  });
  let bridge: MqttBridge;
  try {
    bridge = await startMqttBridge({
      source: runtime.hub,
      config: config.mqtt ?? {},
      logger: logger.child('mqtt'),
      version: VERSION,
    });
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    runtime,
    bridge,
    logger,
    stop() {
      stopping ??= (async () => {
        await bridge.stop();
        await runtime.stop();
      })();
      return stopping;
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
