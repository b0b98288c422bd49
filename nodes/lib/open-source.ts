import { homedir } from 'node:os';
import { join } from 'node:path';
import { LockbridgeError } from '../../src/core/errors';
import { FileStorage } from '../../src/core/storage';
import { globalRedactor } from '../../src/core/redact';
import type { Logger } from '../../src/core/logger';
import { createRuntime } from '../../src/runtime';
import { MqttLockSource } from '../../src/mqtt';
import {
  buildAccountConfig,
  accountIdFor,
  type AccountCredentials,
  type AccountNodeProps,
} from './account-config';
import type { SourceHandle } from './connection';
import type { LockbridgeSettings } from './red';

export interface OpenContext {
  nodeId: string;
  props: AccountNodeProps;
  credentials: AccountCredentials;
  settings: { userDir?: string; lockbridge?: LockbridgeSettings };
  logger: Logger;
}

/** Every credential value is a secret for the process-wide redactor, whatever the mode. */
function registerSecrets(credentials: AccountCredentials): void {
  for (const value of Object.values(credentials))
    if (typeof value === 'string') globalRedactor.addSecret(value);
}

/** Where a config node keeps tokens and journals: <userDir>/lockbridge/<account id>, files 0600. */
export function storageDirFor(userDir: string | undefined, nodeId: string): string {
  return join(userDir ?? join(homedir(), '.node-red'), 'lockbridge', accountIdFor(nodeId));
}

/** `vendor` mode: an in-process hub (createRuntime), the sandbox included. */
export async function openVendorSource(ctx: OpenContext): Promise<SourceHandle> {
  registerSecrets(ctx.credentials);
  const overrides = ctx.settings.lockbridge?.runtime ?? {};
  const account = buildAccountConfig(
    ctx.nodeId,
    ctx.props,
    ctx.credentials,
    Object.keys(overrides.drivers ?? {}),
  );
  const runtime = await createRuntime(
    { accounts: [account] },
    {
      storage: new FileStorage(storageDirFor(ctx.settings.userDir, ctx.nodeId)),
      logger: ctx.logger,
      secretSink: globalRedactor,
      ...overrides,
    },
  );
  return { source: runtime.hub, stop: () => runtime.stop() };
}

/** `mqtt` mode: a running lockbridge daemon through the MQTT lock source. */
export async function openMqttSource(ctx: OpenContext): Promise<SourceHandle> {
  registerSecrets(ctx.credentials);
  const url = ctx.props.mqttUrl?.trim();
  if (!url || !/^(mqtts?|wss?):\/\//.test(url))
    throw new LockbridgeError(
      'invalid_config',
      'The broker URL must start with mqtt://, mqtts://, ws:// or wss://',
    );
  const source = new MqttLockSource({
    url,
    username: ctx.credentials.mqttUsername?.trim() || undefined,
    password: ctx.credentials.mqttPassword || undefined,
    baseTopic: ctx.props.baseTopic?.trim() || undefined,
    clientId: `lockbridge-nodered-${accountIdFor(ctx.nodeId)}`.slice(0, 64),
    unlockCode: ctx.credentials.unlockCode || undefined,
    logger: ctx.logger,
  });
  try {
    await source.start();
  } catch (err) {
    await source.stop().catch(() => undefined);
    throw err;
  }
  return { source, stop: () => source.stop() };
}

export function openSource(ctx: OpenContext): Promise<SourceHandle> {
  return ctx.props.mode === 'mqtt' ? openMqttSource(ctx) : openVendorSource(ctx);
}
