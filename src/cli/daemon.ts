import { homedir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '../core/storage';
import { RedactingLogger, consoleSink, type Logger } from '../core/logger';
import { globalRedactor } from '../core/redact';
import type { LockbridgeConfig } from '../config/types';
import { createRuntime, type Runtime } from '../runtime';
import { startMqttBridge, type MqttBridge } from '../mqtt';
import { PortInUseError } from '../mqtt/embedded-broker';
import { LockbridgeError } from '../core/errors';
import { VERSION } from '../version';
import { ensureWritableDataDir } from './data-dir';
import { connectCluster, clusterClientId, type ClusterNode } from '../cluster';
import { createCodeService } from '../pins';

export interface Daemon {
  runtime: Runtime;
  bridge: MqttBridge;
  logger: Logger;
  /** Cluster mode: this daemon's leases and Redis connection. */
  cluster?: ClusterNode;
  stop(): Promise<void>;
}

export function defaultDataDir(): string {
  return join(homedir(), '.lockbridge');
}

/** Every account's `unlockCode`, by account id: the bridge asks for it on UNLOCK and OPEN. */
export function accountUnlockCodes(config: LockbridgeConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const account of config.accounts) if (account.unlockCode) out[account.id] = account.unlockCode;
  return out;
}

/** Starts the hub and the MQTT bridge for a configuration; shared by `run` and `demo`. */
export async function startDaemon(
  config: LockbridgeConfig,
  dataDir: string,
  verbose: boolean,
): Promise<Daemon> {
  await ensureWritableDataDir(dataDir);
  const logger = new RedactingLogger(consoleSink(), {
    level: verbose ? 'debug' : (config.logLevel ?? 'info'),
    redactor: globalRedactor,
  });
  // Cluster mode (src/cluster): accounts are leased through Redis; the hub runs those held here.
  const cluster = config.cluster
    ? await connectCluster(
        config.cluster,
        config.accounts.filter((a) => a.vendor !== 'sandbox'),
        logger.child('cluster'),
        globalRedactor,
      )
    : undefined;
  const storage = new FileStorage(dataDir);
  let runtime: Runtime;
  try {
    runtime = await createRuntime(config, {
      storage,
      logger,
      secretSink: globalRedactor,
      ...(cluster && {
        hub: { ownership: cluster.leases },
        codeService: (deps) => createCodeService(deps, undefined, cluster.journal),
      }),
    });
  } catch (err) {
    await cluster?.stop();
    throw err;
  }
  let bridge: MqttBridge;
  try {
    bridge = await startMqttBridge({
      source: runtime.hub,
      config: cluster
        ? { ...config.mqtt, clientId: clusterClientId(cluster.settings.node, config.mqtt?.baseTopic ?? '') }
        : (config.mqtt ?? {}),
      cluster: cluster?.bridgeOptions(runtime.hub),
      logger: logger.child('mqtt'),
      version: VERSION,
      storage,
      accountUnlockCodes: accountUnlockCodes(config),
    });
  } catch (err) {
    await cluster?.stop();
    await runtime.stop();
    if (err instanceof PortInUseError && err.setting === 'mqtt.embedded.port')
      throw new LockbridgeError(
        'invalid_config',
        `${err.message}, or with --mqtt-port <n> (0 picks a free one)`,
      );
    throw err;
  }
  cluster?.start();
  let stopping: Promise<void> | undefined;
  return {
    runtime,
    bridge,
    logger,
    cluster,
    stop() {
      stopping ??= (async () => {
        // Leases first: the accounts stop here and go to the other daemons at once.
        await cluster?.stop();
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
