import type { MqttConfig } from '../config/types';

/** MqttConfig with every default applied, so no extension repeats a default. */
export interface BridgeSettings {
  baseTopic: string;
  homeAssistant: {
    enabled: boolean;
    prefix: string;
    discovery: 'device' | 'entity';
    retain: boolean;
    deviceNames: 'auto' | 'plain' | 'vendor' | 'account';
  };
  publishCodes: boolean;
  /** A command older than this (by sent_at) or carrying no expiry gets at most this long to run. */
  maxCommandAgeMs: number;
  /** Empty: anyone the broker lets in may command. */
  allowedUsers: string[];
  /** Unlock codes by lock id. */
  unlockCodes: Record<string, string>;
  /** Unlock codes by account id (AccountBase.unlockCode). */
  accountUnlockCodes: Record<string, string>;
  /** How often `<base>/bridge/health` is published. */
  healthIntervalMs: number;
  /** Largest request payload accepted (bytes). */
  maxPayloadBytes: number;
  /** MQTT 5 response topics must start with this, when set. */
  responseTopicPrefix?: string;
}

export const DEFAULT_BASE_TOPIC = 'lockbridge';
export const DEFAULT_HA_PREFIX = 'homeassistant';
export const DEFAULT_MAX_COMMAND_AGE_SECONDS = 60;
export const DEFAULT_EMBEDDED_PORT = 1883;
export const DEFAULT_HEALTH_INTERVAL_SECONDS = 60;
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export function resolveSettings(
  config: MqttConfig,
  accountUnlockCodes: Record<string, string> = {},
): BridgeSettings {
  return {
    baseTopic: trimSlashes(config.baseTopic ?? DEFAULT_BASE_TOPIC) || DEFAULT_BASE_TOPIC,
    homeAssistant: {
      enabled: config.homeAssistant?.enabled ?? true,
      prefix: trimSlashes(config.homeAssistant?.prefix ?? DEFAULT_HA_PREFIX) || DEFAULT_HA_PREFIX,
      discovery: config.homeAssistant?.discovery ?? 'device',
      retain: config.homeAssistant?.retain ?? true,
      deviceNames: config.homeAssistant?.deviceNames ?? 'auto',
    },
    publishCodes: config.publishCodes === true,
    maxCommandAgeMs: (config.maxCommandAgeSeconds ?? DEFAULT_MAX_COMMAND_AGE_SECONDS) * 1000,
    allowedUsers: config.allowedUsers ?? [],
    unlockCodes: { ...(config.unlockCodes ?? {}) },
    accountUnlockCodes: { ...accountUnlockCodes },
    healthIntervalMs: (config.healthIntervalSeconds ?? DEFAULT_HEALTH_INTERVAL_SECONDS) * 1000,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    responseTopicPrefix: config.responseTopicPrefix,
  };
}

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}
