import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { LockbridgeError } from '../core/errors';

/**
 * Makes sure the data folder exists and takes a file, before anything starts: without it, every
 * account would fail later with a vendor-looking error and retry forever while `run` claims to be up.
 */
export async function ensureWritableDataDir(dir: string): Promise<void> {
  const folder = resolve(dir);
  const probe = join(folder, `.lockbridge-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    await fs.writeFile(probe, '', { mode: 0o600 });
    await fs.rm(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new LockbridgeError(
      'invalid_config',
      `The data folder ${folder} is not writable (${code}); choose another with --data-dir <dir>`,
    );
  }
}
