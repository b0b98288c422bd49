import { MqttLockSource } from '../src/mqtt';
import type { LockSource } from '../src/core/lock-source';
import type { Logger } from '../src/core/logger';
import type { RemoteMqttSettings } from './platform-config';

/** `source: "mqtt"`: the locks of a running lockbridge daemon, through its broker. */
export function loadMqttLockSource(settings: RemoteMqttSettings, logger: Logger): LockSource {
  return new MqttLockSource({ ...settings, logger });
}
