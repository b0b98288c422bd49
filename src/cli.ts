#!/usr/bin/env node
import { isLockbridgeError } from './core/errors';
import { USAGE, UsageError, parseArgs } from './cli/args';
import { loadConfigFile } from './cli/load-config';
import { defaultDataDir, startDaemon, untilSignal } from './cli/daemon';
import { runDemo } from './cli/demo';
import { readPassword } from './cli/read-password';
import { hashPassword } from './mqtt/password-hash';
import { VERSION } from './version';
import type { LockbridgeConfig } from './config/types';

/** The `lockbridge` command. Bad arguments or configuration: a clear message and exit code 2. */
async function main(argv: string[]): Promise<number> {
  const cmd = parseArgs(argv);
  switch (cmd.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'demo':
      await runDemo(cmd);
      return 0;
    case 'hash-password': {
      process.stdout.write(`${await hashPassword(await readPassword())}\n`);
      return 0;
    }
    case 'run': {
      const config = withMqttPort(await loadConfigFile(cmd.config), cmd.mqttPort);
      const daemon = await startDaemon(config, cmd.dataDir ?? defaultDataDir(), cmd.verbose);
      const cluster = daemon.cluster;
      process.stdout.write(
        cluster
          ? `MQTT broker: ${daemon.bridge.brokerUrl}\nLockbridge is running as cluster node "${cluster.settings.node}"; it takes its share of ${config.accounts.length} account(s) through Redis. Press Ctrl-C to stop.\n`
          : `MQTT broker: ${daemon.bridge.brokerUrl}\nLockbridge is running with ${(await daemon.runtime.hub.listLocks()).length} lock(s). Press Ctrl-C to stop.\n`,
      );
      const signal = await untilSignal();
      daemon.logger.info(`${signal}: stopping`);
      await daemon.stop();
      return 0;
    }
  }
}

/** `--mqtt-port` overrides the embedded broker's port; it means nothing with an external broker. */
function withMqttPort(config: LockbridgeConfig, port: number | undefined): LockbridgeConfig {
  if (port === undefined) return config;
  if (config.mqtt?.url)
    throw new UsageError("--mqtt-port sets the embedded broker's port; this config uses mqtt.url");
  const mqtt = config.mqtt ?? {};
  return { ...config, mqtt: { ...mqtt, embedded: { ...mqtt.embedded, port } } };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`lockbridge: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (isLockbridgeError(err)) {
      process.stderr.write(`lockbridge: ${err.message}\n`);
      process.exitCode = err.code === 'invalid_config' || err.code === 'invalid_input' ? 2 : 1;
    } else {
      process.stderr.write(
        `lockbridge: unexpected failure (${err instanceof Error ? err.name : typeof err})\n`,
      );
      process.exitCode = 1;
    }
  },
);
