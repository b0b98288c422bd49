import type { AccountStatus } from '../core/events';
import type { BridgeSettings } from './settings';

/** What `<base>/bridge/info` carries (snake_case, like every other bridge payload). */
export interface BridgeInfo {
  version: string;
  config: {
    base_topic: string;
    /** The Home Assistant options in effect (none of them secret). */
    home_assistant: {
      enabled: boolean;
      prefix: string;
      discovery: 'device' | 'entity';
      retain: boolean;
      device_names: 'auto' | 'plain' | 'vendor' | 'account';
    };
    publish_codes: boolean;
    max_command_age_seconds: number;
    max_payload_bytes: number;
    /** How many locks an unlock code guards (by lock, and by account); never the codes. */
    guarded_locks: number;
    guarded_accounts: number;
    /** Whether commands are limited to named broker users (never who they are). */
    restricted_to_users: boolean;
    response_topic_prefix: string | null;
  };
  accounts: Array<{
    account: string;
    vendor: string;
    state: AccountStatus['state'];
    lock_count: number;
    error: string | null;
  }>;
}

/**
 * The bridge's version, a summary of its settings and its accounts with their states. Built field by
 * field from an allow-list, never by copying settings, so a secret added to the settings later
 * (unlock codes, passwords, tokens, API keys) cannot leak into this retained topic; an account error is
 * reduced to its stable code, since vendor messages are not ours to vouch for.
 */
export function bridgeInfoOf(
  version: string,
  settings: BridgeSettings,
  accounts: AccountStatus[],
): BridgeInfo {
  return {
    version,
    config: {
      base_topic: settings.baseTopic,
      home_assistant: {
        enabled: settings.homeAssistant.enabled,
        prefix: settings.homeAssistant.prefix,
        discovery: settings.homeAssistant.discovery,
        retain: settings.homeAssistant.retain,
        device_names: settings.homeAssistant.deviceNames,
      },
      publish_codes: settings.publishCodes,
      max_command_age_seconds: Math.round(settings.maxCommandAgeMs / 1000),
      max_payload_bytes: settings.maxPayloadBytes,
      guarded_locks: Object.keys(settings.unlockCodes).length,
      guarded_accounts: Object.keys(settings.accountUnlockCodes).length,
      restricted_to_users: settings.allowedUsers.length > 0,
      response_topic_prefix: settings.responseTopicPrefix ?? null,
    },
    accounts: accounts.map((a) => ({
      account: a.account,
      vendor: a.vendor,
      state: a.state,
      lock_count: a.lockCount,
      error: a.error?.code ?? null,
    })),
  };
}
