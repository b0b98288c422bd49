/**
 * The bridge as a Home Assistant device (pure): its connectivity, and per account a "problem" binary
 * sensor and a state sensor, read from the retained `<base>/bridge/accounts` list. Every lock device
 * names this one as its via_device; the bridge's version is the device's sw_version.
 */
import type { AccountStatus } from '../../core/events';
import type { Topics } from '../topics';
import type { Component } from './lock-components';

export const ACCOUNT_STATES: Array<AccountStatus['state']> = [
  'connected',
  'connecting',
  'error',
  'stopped',
  'two_factor_required',
];

/**
 * An account id goes into a template as a string literal, so only ids that need no escaping are
 * given sensors (config ids and vendor account ids are of this form); another id is left out, logged.
 */
export const TEMPLATE_SAFE_ID = /^[A-Za-z0-9 _.@:+-]{1,100}$/;

export function bridgeComponents(
  topics: Topics,
  accounts: readonly string[],
): { components: Map<string, Component>; skipped: string[] } {
  const components = new Map<string, Component>();
  const skipped: string[] = [];
  components.set('connectivity', {
    platform: 'binary_sensor',
    config: {
      name: 'Connectivity',
      state_topic: topics.bridgeState,
      value_template: '{{ value_json.state }}',
      payload_on: 'online',
      payload_off: 'offline',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
    },
  });
  for (const account of accounts) {
    if (!TEMPLATE_SAFE_ID.test(account)) {
      skipped.push(account);
      continue;
    }
    // The list holds every account; the loop picks this one ("" when it is gone: Home Assistant
    // ignores an empty state).
    const pick = (expression: string): string =>
      `{% for a in value_json %}{% if a.account == "${account}" %}${expression}{% endif %}{% endfor %}`;
    const key = account.replace(/[^A-Za-z0-9_-]/g, '_');
    components.set(`account_${key}_problem`, {
      platform: 'binary_sensor',
      config: {
        name: `Account ${account} problem`,
        state_topic: topics.bridgeAccounts,
        value_template: pick("{{ 'OFF' if a.state == 'connected' else 'ON' }}"),
        payload_on: 'ON',
        payload_off: 'OFF',
        device_class: 'problem',
        entity_category: 'diagnostic',
      },
    });
    components.set(`account_${key}_state`, {
      platform: 'sensor',
      config: {
        name: `Account ${account} state`,
        state_topic: topics.bridgeAccounts,
        value_template: pick('{{ a.state }}'),
        device_class: 'enum',
        options: [...ACCOUNT_STATES],
        entity_category: 'diagnostic',
      },
    });
  }
  return { components, skipped };
}
