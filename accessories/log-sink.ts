import type { Logging } from 'homebridge';
import type { LogSink } from '../src/core/logger';

/** Homebridge's per-platform logger as a core LogSink (wrapped in a RedactingLogger by the platform). */
export function homebridgeLogSink(log: Logging): LogSink {
  return {
    debug: (message) => log.debug(message),
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
}
