import { readFile } from 'node:fs/promises';
import { LockbridgeError } from '../core/errors';
import type { MqttConfig } from '../config/types';
import { hashPassword, parsePasswordHash, type ParsedHash } from './password-hash';

export type BrokerRights = 'command' | 'read';

/** A user the embedded broker lets in: the password is only ever held as a salted hash. */
export interface BrokerUser {
  username: string;
  password: ParsedHash;
  rights: BrokerRights;
}

/**
 * The embedded broker's users from the configuration: `embedded.users` (hash in the config, or a
 * password file), or the one `embedded.username`/`password` login (it may command). Undefined when
 * there is no login at all (anonymous clients, loopback only). Failures name the field, never a value.
 */
export async function loadBrokerUsers(
  embedded: NonNullable<MqttConfig['embedded']>,
): Promise<BrokerUser[] | undefined> {
  if (embedded.users && embedded.users.length > 0) {
    return Promise.all(
      embedded.users.map(async (user, i): Promise<BrokerUser> => {
        const field = `mqtt.embedded.users[${i}]`;
        return { username: user.username, rights: user.rights, password: await credentialOf(user, field) };
      }),
    );
  }
  if (embedded.username && embedded.password) {
    const password = parsePasswordHash(await hashPassword(embedded.password))!;
    return [{ username: embedded.username, password, rights: 'command' }];
  }
  return undefined;
}

async function credentialOf(
  user: { passwordHash?: string; passwordFile?: string },
  field: string,
): Promise<ParsedHash> {
  if (user.passwordHash !== undefined) {
    const parsed = parsePasswordHash(user.passwordHash);
    if (!parsed)
      throw new LockbridgeError(
        'invalid_config',
        `${field}.passwordHash is not a hash printed by lockbridge hash-password`,
      );
    return parsed;
  }
  if (user.passwordFile === undefined)
    throw new LockbridgeError('invalid_config', `${field} needs a passwordHash or a passwordFile`);
  let text: string;
  try {
    text = await readFile(user.passwordFile, 'utf8');
  } catch (err) {
    throw new LockbridgeError(
      'invalid_config',
      `Cannot read ${field}.passwordFile (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  // A secret file usually ends with a newline that is not part of the password.
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) throw new LockbridgeError('invalid_config', `${field}.passwordFile is empty`);
  return parsePasswordHash(secret) ?? parsePasswordHash(await hashPassword(secret))!;
}
