/**
 * Every MQTT topic Lockbridge uses, in one place, so the bridge and the MQTT lock source cannot drift
 * apart. Lock ids are already [A-Za-z0-9_-] (lockIdFor), so each is exactly one topic level.
 */

/** The one topic level under the base that is not a lock. */
export const BRIDGE_LEVEL = 'bridge';

/** What a lock publishes or listens to under `<base>/<lock>/`. */
export type LockTopicKind = 'state' | 'availability' | 'set' | 'get' | 'activity' | 'code' | 'event';

export class Topics {
  constructor(readonly base: string) {}

  get bridgeState(): string {
    return `${this.base}/${BRIDGE_LEVEL}/state`;
  }
  get bridgeLocks(): string {
    return `${this.base}/${BRIDGE_LEVEL}/locks`;
  }
  get bridgeAccounts(): string {
    return `${this.base}/${BRIDGE_LEVEL}/accounts`;
  }
  get bridgeHealth(): string {
    return `${this.base}/${BRIDGE_LEVEL}/health`;
  }
  get bridgeInfo(): string {
    return `${this.base}/${BRIDGE_LEVEL}/info`;
  }
  /** Cluster mode: one daemon's own online/offline (its last will), `<base>/bridge/node/<name>/state`. */
  nodeState(node: string): string {
    return `${this.base}/${BRIDGE_LEVEL}/node/${node}/state`;
  }
  /** The bridge's own barrier topic (see MqttConnection): only the bridge publishes under it. */
  get bridgeSync(): string {
    return `${this.base}/${BRIDGE_LEVEL}/sync/barrier`;
  }

  lock(lockId: string, kind: LockTopicKind): string {
    return `${this.base}/${lockId}/${kind}`;
  }

  request(operation: string): string {
    return `${this.base}/${BRIDGE_LEVEL}/request/${operation}`;
  }
  response(operation: string): string {
    return `${this.base}/${BRIDGE_LEVEL}/response/${operation}`;
  }

  /** Subscription filters. */
  get allRequests(): string {
    return `${this.base}/${BRIDGE_LEVEL}/request/#`;
  }
  get allResponses(): string {
    return `${this.base}/${BRIDGE_LEVEL}/response/#`;
  }
  anyLock(kind: LockTopicKind): string {
    return `${this.base}/+/${kind}`;
  }

  /** `<base>/bridge/request/codes/list` -> `codes/list`; undefined for any other topic. */
  operationOfRequest(topic: string): string | undefined {
    return afterPrefix(topic, `${this.base}/${BRIDGE_LEVEL}/request/`);
  }
  operationOfResponse(topic: string): string | undefined {
    return afterPrefix(topic, `${this.base}/${BRIDGE_LEVEL}/response/`);
  }

  /** `<base>/<lock>/<kind>` -> the lock id, when the topic is that lock topic (never `bridge`). */
  lockOf(topic: string, kind: LockTopicKind): string | undefined {
    const rest = afterPrefix(topic, `${this.base}/`);
    if (!rest) return undefined;
    const parts = rest.split('/');
    if (parts.length !== 2 || parts[1] !== kind || parts[0] === BRIDGE_LEVEL || parts[0] === '')
      return undefined;
    return parts[0];
  }
}

function afterPrefix(topic: string, prefix: string): string | undefined {
  if (!topic.startsWith(prefix)) return undefined;
  const rest = topic.slice(prefix.length);
  return rest.length > 0 ? rest : undefined;
}

/** MQTT topic filter matching (+ one level, # the rest), for routing and ACL checks. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Whether a subscription filter could receive messages on topics matched by `pattern` (itself a filter
 * made of literal levels, `+` and a trailing `#`). Used to keep response topics, which may carry PIN
 * codes, away from users who may not send requests.
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const xi = x[i];
    const yi = y[i];
    if (xi === '#' || yi === '#') return true;
    if (xi === undefined || yi === undefined) return xi === yi;
    if (xi !== '+' && yi !== '+' && xi !== yi) return false;
  }
}

/** Home Assistant discovery topics: `<prefix>/<component>/<node>/<object>/config`. */
export function discoveryTopic(prefix: string, component: string, nodeId: string, objectId: string): string {
  return `${prefix}/${component}/${nodeId}/${objectId}/config`;
}

/** Cleans a string to a topic level / HA id ([A-Za-z0-9_-]). */
export function cleanId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}
