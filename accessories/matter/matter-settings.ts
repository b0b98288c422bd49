import Ajv from 'ajv';
import { LockbridgeError } from '../../src/core/errors';

/** The platform block's `matter` settings (Homebridge 2 with `bridge.matter` only). */
export interface MatterSettings {
  /** Publish each lock that can lock or unlock as a Matter DoorLock (default true). */
  enabled: boolean;
  /** Keep the HomeKit (HAP) accessories too (default true); false only takes effect while Matter publishes. */
  hap: boolean;
}

export const MATTER_SETTINGS_KEY = 'matter';

export const matterSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: true },
    hap: { type: 'boolean', default: true },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(matterSettingsSchema);

/** Reads `matter` from the platform block; a bad block is a typed error that names fields only. */
export function parseMatterSettings(block: object | undefined): MatterSettings {
  const raw = (block as Record<string, unknown> | undefined)?.[MATTER_SETTINGS_KEY] ?? {};
  if (!validate(raw)) {
    const fields = (validate.errors ?? []).map((e) =>
      e.keyword === 'additionalProperties'
        ? `matter.${String(e.params.additionalProperty)} is not a known setting`
        : `matter${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}`,
    );
    throw new LockbridgeError('invalid_config', `Invalid configuration: ${fields.join('; ')}`);
  }
  const settings = raw as Partial<MatterSettings>;
  return { enabled: settings.enabled ?? true, hap: settings.hap ?? true };
}
