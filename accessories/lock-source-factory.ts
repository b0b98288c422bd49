import { createRuntime } from '../src/runtime';
import type { LockSource } from '../src/core/lock-source';
import type { Logger } from '../src/core/logger';
import type { Storage } from '../src/core/storage';
import type { Redactor } from '../src/core/redact';
import type { PlatformSettings } from './platform-config';
import { loadMqttLockSource } from './mqtt-source';

export interface StartedSource {
  source: LockSource;
  /** Sandbox emulators started in this process (shown in the log so people can try fault injection). */
  sandbox: Array<{ vendor: string; url: string }>;
  stop(): Promise<void>;
}

/** Turns the platform settings into a started LockSource; the platform never sees hub or drivers. */
export async function startLockSource(
  settings: Extract<PlatformSettings, { kind: 'accounts' | 'mqtt' }>,
  options: { storage: Storage; logger: Logger; secretSink: Redactor },
): Promise<StartedSource> {
  if (settings.kind === 'accounts') {
    const runtime = await createRuntime(settings.config, {
      storage: options.storage,
      logger: options.logger,
      secretSink: options.secretSink,
    });
    return { source: runtime.hub, sandbox: runtime.sandbox, stop: () => runtime.stop() };
  }
  options.secretSink.addSecret(settings.mqtt.password);
  options.secretSink.addSecret(settings.mqtt.unlockCode);
  const source = loadMqttLockSource(settings.mqtt, options.logger);
  await source.start();
  return { source, sandbox: [], stop: () => source.stop() };
}
