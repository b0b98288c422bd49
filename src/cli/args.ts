import { LockbridgeError } from '../core/errors';

export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'run'; config: string; dataDir?: string; mqttPort?: number; verbose: boolean }
  | { command: 'hash-password' }
  | { command: 'demo'; mqttPort: number; verbose: boolean };

export const USAGE = `lockbridge: cloud smart locks on MQTT, with Home Assistant discovery

Usage:
  lockbridge run --config <file> [--data-dir <dir>] [--mqtt-port <n>] [--verbose]
      Runs the bridge: every lock of every account in <file> on MQTT.
      Tokens, caches and the access-code journal go to <dir> (default ~/.lockbridge).
      --mqtt-port overrides mqtt.embedded.port (0 picks a free one).
  lockbridge demo [--mqtt-port <n>] [--verbose]
      Runs the sandbox: every vendor emulator with a few locks, an embedded MQTT broker on
      127.0.0.1 (port 1883 by default; 0 picks a free one) and the bridge. No vendor account needed.
  lockbridge hash-password
      Reads a password (typed, or from standard input) and prints its salted scrypt hash, for
      mqtt.embedded.users[].passwordHash.
  lockbridge --help | --version

Exit codes: 0 stopped cleanly, 1 failed while running, 2 bad arguments or configuration.
`;

/** A usage error: exit code 2, no stack trace. */
export class UsageError extends LockbridgeError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

function takeValue(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

function portFlag(raw: string | true | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (raw === true || raw === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--mqtt-port must be a port number from 0 to 65535 (0 picks a free one)');
  return port;
}

export function parseArgs(argv: string[]): CliCommand {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help')
    return { command: 'help' };
  if (argv.includes('--version') || argv[0] === 'version') return { command: 'version' };
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--verbose') flags.set('verbose', true);
    else if (arg === '--config' || arg === '--data-dir' || arg === '--mqtt-port') {
      flags.set(arg.slice(2), takeValue(rest, i, arg));
      i++;
    } else if (arg.startsWith('--') && arg.includes('=')) {
      const [k, v] = arg.slice(2).split(/=(.*)/s);
      flags.set(k, v);
    } else throw new UsageError(`Unknown argument "${arg}"`);
  }
  const allow = (names: string[]) => {
    for (const k of flags.keys())
      if (!names.includes(k)) throw new UsageError(`--${k} is not an option of "${command}"`);
  };
  const verbose = flags.get('verbose') === true;
  switch (command) {
    case 'run': {
      allow(['config', 'data-dir', 'mqtt-port', 'verbose']);
      const config = flags.get('config');
      if (typeof config !== 'string' || !config) throw new UsageError('run needs --config <file>');
      const dataDir = flags.get('data-dir');
      const mqttPort = portFlag(flags.get('mqtt-port'));
      const out: CliCommand = {
        command: 'run',
        config,
        dataDir: typeof dataDir === 'string' ? dataDir : undefined,
        verbose,
      };
      if (mqttPort !== undefined) out.mqttPort = mqttPort;
      return out;
    }
    case 'demo': {
      allow(['mqtt-port', 'verbose']);
      return { command: 'demo', mqttPort: portFlag(flags.get('mqtt-port')) ?? 1883, verbose };
    }
    case 'hash-password':
      allow([]);
      return { command: 'hash-password' };
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}
