import { readFile } from 'node:fs/promises';
import { LockbridgeError } from '../core/errors';
import { validateConfig } from '../config/validate';
import type { LockbridgeConfig } from '../config/types';

/** Reads and validates a JSON config file; every failure is an invalid_config error with a clear message. */
export async function loadConfigFile(path: string): Promise<LockbridgeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LockbridgeError(
      'invalid_config',
      code === 'ENOENT'
        ? `Config file not found: ${path}`
        : `Cannot read config file ${path} (${code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // JSON.parse messages quote a few characters around the error, which could be part of a secret.
    const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new LockbridgeError(
      'invalid_config',
      `Config file ${path} is not valid JSON${position ? ` (at character ${position})` : ''}`,
    );
  }
  return validateConfig(parsed);
}
