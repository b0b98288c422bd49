import { LockbridgeError, toLockbridgeError } from './core/errors';
import type { Logger } from './core/logger';
import type { Storage } from './core/storage';
import type { Redactor } from './core/redact';
import { VENDORS, type KnownVendor } from './core/model';
import type {
  AccountConfig,
  LockbridgeConfig,
  SandboxAccountConfig,
  VendorAccountConfig,
} from './config/types';
import { LockHub, type LockHubOptions } from './hub/hub';
import type { CodeServiceFactory } from './hub/code-service';
import { vendorDrivers } from './vendors/registry';
import { sandboxVendors } from './emulators/sandbox';
import type { SandboxVendor } from './emulators/kit/sandbox';
import type { DriverFactory } from './vendors/driver';
import { createCodeService } from './pins';

export interface RuntimeOptions {
  storage: Storage;
  logger: Logger;
  secretSink?: Redactor;
  /** Overrides for tests. */
  drivers?: Partial<Record<string, DriverFactory>>;
  codeService?: CodeServiceFactory;
  hub?: Partial<LockHubOptions>;
}

/** A running hub and the sandbox emulators it may have started. */
export interface Runtime {
  hub: LockHub;
  /** Emulators started for `sandbox` accounts: vendor -> base URL. */
  sandbox: Array<{ vendor: KnownVendor; url: string }>;
  stop(): Promise<void>;
}

/**
 * The composition root shared by the CLI, the Homebridge platform and the Node-RED config node: turns
 * a configuration into a started hub, with `sandbox` accounts expanded into in-process emulators.
 */
export async function createRuntime(
  config: Pick<LockbridgeConfig, 'accounts' | 'polling' | 'commands' | 'codes'>,
  options: RuntimeOptions,
): Promise<Runtime> {
  const started: SandboxVendor[] = [];
  const sandbox: Runtime['sandbox'] = [];
  const accounts: VendorAccountConfig[] = [];
  try {
    for (const account of config.accounts) {
      if (account.vendor === 'sandbox') {
        for (const part of await startSandbox(account, options.logger, started)) {
          sandbox.push({ vendor: part.vendor, url: part.url });
          accounts.push(...part.accounts);
        }
      } else accounts.push(account);
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    throw toLockbridgeError(err);
  }
  const hub = new LockHub({
    accounts,
    drivers: options.drivers ?? vendorDrivers,
    storage: options.storage,
    logger: options.logger,
    secretSink: options.secretSink,
    pollIntervalMs: (config.polling?.intervalSeconds ?? 60) * 1000,
    maxPollIntervalMs: (config.polling?.maxIntervalSeconds ?? 900) * 1000,
    commandTimeoutMs: (config.commands?.timeoutSeconds ?? 30) * 1000,
    commandExpiryMs: (config.commands?.expirySeconds ?? 60) * 1000,
    commandSendMarginMs: config.commands?.sendMarginMs,
    codeConfirmTimeoutMs: (config.codes?.confirmTimeoutSeconds ?? 60) * 1000,
    codeService: options.codeService ?? defaultCodeService(),
    ...options.hub,
  });
  const stop = async () => {
    await hub.stop();
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
  };
  try {
    await hub.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return { hub, sandbox, stop };
}

async function startSandbox(
  account: SandboxAccountConfig,
  logger: Logger,
  started: SandboxVendor[],
): Promise<Array<{ vendor: KnownVendor; url: string; accounts: VendorAccountConfig[] }>> {
  const wanted = account.vendors ?? [...VENDORS];
  const out: Array<{ vendor: KnownVendor; url: string; accounts: VendorAccountConfig[] }> = [];
  for (const vendor of wanted) {
    const make = sandboxVendors[vendor];
    if (!make) {
      logger.warn(`The sandbox has no ${vendor} emulator yet`);
      continue;
    }
    const part = make();
    started.push(part);
    const { url, accounts } = await part.start();
    out.push({
      vendor,
      url,
      accounts: accounts.filter(isVendorAccount).map((a) => ({ ...a, id: `${account.id}-${a.id}` })),
    });
  }
  if (out.length === 0) throw new LockbridgeError('invalid_config', 'The sandbox has no emulator to run');
  return out;
}

function isVendorAccount(a: AccountConfig): a is VendorAccountConfig {
  return a.vendor !== 'sandbox';
}

/** The access-code engine (src/pins): rules, generation, confirmation and the durable journal. */
function defaultCodeService(): CodeServiceFactory {
  return (deps) => createCodeService(deps);
}
