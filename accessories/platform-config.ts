import Ajv from 'ajv';
import type { PlatformConfig } from 'homebridge';
import { LockbridgeError, toLockbridgeError } from '../src/core/errors';
import { validateConfig } from '../src/config/validate';
import { mqttSchema } from '../src/config/schema';
import type { LockbridgeConfig, MqttConfig } from '../src/config/types';
import { MATTER_SETTINGS_KEY, parseMatterSettings } from './matter/matter-settings';

/** Where the locks come from: vendor accounts in this process, or a running lockbridge daemon. */
export type PlatformSettings =
  | { kind: 'unconfigured' }
  | { kind: 'invalid'; error: LockbridgeError }
  | { kind: 'accounts'; config: LockbridgeConfig }
  | { kind: 'mqtt'; mqtt: RemoteMqttSettings; config: Omit<LockbridgeConfig, 'accounts'> };

/** The client part of MqttConfig: enough to reach the daemon's broker. */
export type RemoteMqttSettings = Pick<
  MqttConfig,
  'url' | 'username' | 'password' | 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'clientId' | 'baseTopic'
> & {
  url: string;
  /** Sent with UNLOCK and OPEN when the daemon guards its locks with an unlock code. */
  unlockCode?: string;
};

const REMOTE_FIELDS = [
  'url',
  'username',
  'password',
  'ca',
  'cert',
  'key',
  'rejectUnauthorized',
  'clientId',
  'baseTopic',
] as const;

const remoteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    ...Object.fromEntries(REMOTE_FIELDS.map((f) => [f, mqttSchema.properties[f]])),
    unlockCode: { type: 'string', minLength: 4, maxLength: 64 },
  },
};
const validateRemote = new Ajv({ allErrors: true, strict: false }).compile(remoteSchema);

/** Keys Homebridge itself puts in a platform block; they are not Lockbridge settings. */
const HOMEBRIDGE_KEYS = new Set(['platform', 'name', '_bridge']);
/** Platform-level keys that select and configure the source. */
const SOURCE_KEYS = new Set(['source', 'mqtt']);
/** Platform-level keys of the Homebridge surface itself (read by the platform, not by the core). */
const SURFACE_KEYS = new Set([MATTER_SETTINGS_KEY]);

/**
 * Reads the `Lockbridge` platform block of config.json. Never throws: a bad block comes back as
 * `invalid` with a message that names fields, never values (a misplaced password stays out of logs).
 */
export function parsePlatformConfig(block: PlatformConfig | undefined): PlatformSettings {
  try {
    const raw = dropEmpty(block ?? {}) as Record<string, unknown>;
    const source = raw.source ?? 'accounts';
    if (source !== 'accounts' && source !== 'mqtt') {
      return invalid('Invalid configuration: source must be "accounts" or "mqtt"');
    }
    parseMatterSettings(raw);
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw))
      if (!HOMEBRIDGE_KEYS.has(k) && !SOURCE_KEYS.has(k) && !SURFACE_KEYS.has(k)) rest[k] = v;

    if (source === 'mqtt') {
      if (!validateRemote(raw.mqtt ?? {})) {
        const fields = (validateRemote.errors ?? []).map((e) =>
          e.keyword === 'required'
            ? `mqtt.${String(e.params.missingProperty)} is required`
            : `mqtt${e.instancePath.replace(/\//g, '.')} ${e.keyword === 'additionalProperties' ? `.${String(e.params.additionalProperty)} is not a known setting` : (e.message ?? 'is invalid')}`,
        );
        return invalid(`Invalid configuration: ${fields.join('; ')}`);
      }
      // The accounts live in the daemon; everything else is validated by the one schema.
      const { accounts: _ignored, ...others } = rest;
      const config = validateConfig({ ...others, accounts: [{ vendor: 'sandbox', id: 'placeholder' }] });
      const { accounts: _placeholder, ...common } = config;
      return { kind: 'mqtt', mqtt: raw.mqtt as RemoteMqttSettings, config: common };
    }

    if (!Array.isArray(rest.accounts) || rest.accounts.length === 0) return { kind: 'unconfigured' };
    return { kind: 'accounts', config: validateConfig(rest) };
  } catch (err) {
    return { kind: 'invalid', error: toLockbridgeError(err, 'invalid_config') };
  }
}

function invalid(message: string): PlatformSettings {
  return { kind: 'invalid', error: new LockbridgeError('invalid_config', message) };
}

/**
 * The settings form saves untouched optional fields as "" or {}; they mean "not set", so they are
 * removed before validation instead of failing a pattern.
 */
export function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpty);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const cleaned = dropEmpty(v);
      if (cleaned === '' || cleaned === null || cleaned === undefined) continue;
      if (
        typeof cleaned === 'object' &&
        !Array.isArray(cleaned) &&
        Object.keys(cleaned as object).length === 0
      )
        continue;
      out[k] = cleaned;
    }
    return out;
  }
  return value;
}
