import { readFileSync } from 'node:fs';
import { LockbridgeError } from '../core/errors';

/**
 * A PEM given in the configuration: either the PEM text itself or a path to a PEM file. Reading fails
 * with invalid_config naming which option, never quoting the file.
 */
export function loadPem(value: string | undefined, option: string): Buffer | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch {
    throw new LockbridgeError('invalid_config', `Cannot read the PEM file of mqtt.${option}`);
  }
}

/** A broker URL safe to log: any user:password@ part removed. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
