import { globalRedactor, type Redactor } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** What each surface provides: Homebridge's log, a Node-RED node's log, the CLI's console. */
export interface LogSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Logger extends LogSink {
  child(prefix: string): Logger;
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters written as escapes (`\n`, `\u001b` ...): a lock id, topic or vendor text with a
 * newline or a terminal escape can then neither forge a log line nor rewrite the terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Wraps a sink so that every line passes the redactor first: this is the one place where secrets and
 * PIN codes are removed from logs, and where control characters are escaped (one message, one line).
 */
export class RedactingLogger implements Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly options: { level?: LogLevel; prefix?: string; redactor?: Redactor } = {},
  ) {}

  private write(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.options.level ?? 'debug']) return;
    const redactor = this.options.redactor ?? globalRedactor;
    const line = redactor.text(this.options.prefix ? `[${this.options.prefix}] ${message}` : message);
    this.sink[level](escapeControlCharacters(line));
  }

  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }

  child(prefix: string): Logger {
    const joined = this.options.prefix ? `${this.options.prefix}/${prefix}` : prefix;
    return new RedactingLogger(this.sink, { ...this.options, prefix: joined });
  }
}

/** Console sink with timestamps and levels, for the CLI. Writes to stderr so stdout stays for output. */
export function consoleSink(stream: NodeJS.WritableStream = process.stderr): LogSink {
  const line = (level: string, message: string) =>
    stream.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  return {
    debug: (m) => line('debug', m),
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  };
}

/** Keeps lines in memory; tests use it to assert that no secret was logged. */
export class MemorySink implements LogSink {
  readonly lines: Array<{ level: LogLevel; message: string }> = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message}`).join('\n');
  }
}

export const silentLogger: Logger = new RedactingLogger({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
