#!/usr/bin/env node
import { isLockbridgeError } from './core/errors';
import { USAGE, UsageError, parseArgs } from './cli/args';
import { loadConfigFile } from './cli/load-config';
import { defaultDataDir, startDaemon, untilSignal } from './cli/daemon';
import { runDemo } from './cli/demo';
import { VERSION } from './version';

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
    case 'run': {
      const config = await loadConfigFile(cmd.config);
      const daemon = await startDaemon(config, cmd.dataDir ?? defaultDataDir(), cmd.verbose);
      process.stdout.write(
        `MQTT broker: ${daemon.bridge.brokerUrl}\nLockbridge is running with ${(await daemon.runtime.hub.listLocks()).length} lock(s). Press Ctrl-C to stop.\n`,
      );
      const signal = await untilSignal();
      daemon.logger.info(`${signal}: stopping`);
      await daemon.stop();
      return 0;
    }
  }
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
