/**
 * Where the bridge may publish an MQTT 5 response. The response topic is chosen by the client, and the
 * bridge publishes with its own rights: without these rules a client could make it publish a "command"
 * to another application (`zigbee2mqtt/garage_door/set`), a lock state, or a discovery config.
 */
export interface ResponseTopicRules {
  /** The bridge's base topic: nothing under it (the bridge already answers on its own response topic). */
  base: string;
  /** Home Assistant's discovery prefix: nothing under it. */
  discoveryPrefix: string;
  /** When set, a response topic must start with it (mqtt.responseTopicPrefix). */
  prefix?: string;
}

const MAX_LENGTH = 512;

/**
 * Why the bridge will not publish on this response topic, or undefined when it may. Besides the
 * bridge's and Home Assistant's trees, every command topic shape we know of is refused: a `set` level
 * anywhere (Home Assistant, zigbee2mqtt `<device>/set` and `<device>/set/<attribute>`, our own),
 * `cmnd/...` (Tasmota) and a last level `command` (ESPHome, Shelly).
 */
export function responseTopicRefusal(topic: string, rules: ResponseTopicRules): string | undefined {
  if (topic.length === 0 || topic.length > MAX_LENGTH) return 'it is empty or too long';
  if (/[#+]/.test(topic) || topic.includes('\u0000')) return 'it holds a wildcard or a NUL';
  if (topic.startsWith('$')) return '$ topics are reserved';
  if (rules.prefix !== undefined && !topic.startsWith(rules.prefix))
    return `it is not under mqtt.responseTopicPrefix (${rules.prefix})`;
  if (within(topic, rules.base)) return "it is under the bridge's base topic";
  if (within(topic, rules.discoveryPrefix)) return "it is under Home Assistant's discovery prefix";
  const levels = topic.split('/');
  if (levels.includes('set')) return 'it is a command topic (a "set" level)';
  if (levels[0] === 'cmnd') return 'it is a command topic (cmnd/...)';
  if (levels[levels.length - 1] === 'command') return 'it is a command topic (.../command)';
  return undefined;
}

function within(topic: string, root: string): boolean {
  return topic === root || topic.startsWith(`${root}/`);
}
