import type { LockSource } from '../src/core/lock-source';
import type { Logger } from '../src/core/logger';
import type { RemoteMqttSettings } from './platform-config';

/**
 * The MQTT lock source lives in src/mqtt (another issue). It is loaded by path at runtime so this
 * platform builds before it lands; the constructor shape assumed here is the one place to adjust.
 */
type MqttLockSourceClass = new (options: RemoteMqttSettings & { logger: Logger }) => LockSource;

export function loadMqttLockSource(settings: RemoteMqttSettings, logger: Logger): LockSource | undefined {
  let mod: { MqttLockSource?: MqttLockSourceClass };
  try {
    const path = '../src/mqtt/index';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path) as { MqttLockSource?: MqttLockSourceClass };
  } catch {
    return undefined;
  }
  if (typeof mod.MqttLockSource !== 'function') return undefined;
  return new mod.MqttLockSource({ ...settings, logger });
}
