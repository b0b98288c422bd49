import type { AccountConfig } from '../../config/types';
import type { SandboxVendor } from '../kit/sandbox';
import { AugustEmulator } from './server';
import { DEMO_ACCOUNT, seedDemoHousehold } from './seed';

/**
 * The August part of `lockbridge demo` and the `sandbox` account: the emulator with the demo
 * household and realistic delays (a bridge takes a second or two, a PIN a few seconds).
 *
 * Two-factor: the config returned uses the demo account, which needs no code. To try the two-factor
 * flow, add an August account pointing at the same URL with identifier
 * "email:twofactor@lockbridge.test", password "lockbridge-2fa", apiKey "emulator-api-key"; start()
 * stops at two_factor_required, and the code is 123456 (see DEMO_TWO_FACTOR in seed.ts).
 */
export class AugustSandbox implements SandboxVendor {
  readonly vendor = 'august' as const;
  private emulator?: AugustEmulator;

  async start(): Promise<{ url: string; accounts: AccountConfig[] }> {
    const emulator = new AugustEmulator({ opDelayMs: 1200, pinDelayMs: 4000, unlatchHoldMs: 3000 });
    seedDemoHousehold(emulator);
    const url = await emulator.start();
    this.emulator = emulator;
    return {
      url,
      accounts: [
        {
          vendor: 'august',
          id: 'august-demo',
          name: 'August (demo)',
          brand: 'august',
          baseUrl: url,
          identifier: `email:${DEMO_ACCOUNT.email}`,
          password: DEMO_ACCOUNT.password,
          apiKey: emulator.apiKey,
          installId: 'lockbridge-sandbox-install',
          liveUpdates: true,
        },
      ],
    };
  }

  async stop(): Promise<void> {
    await this.emulator?.close();
    this.emulator = undefined;
  }

  /** The running emulator, for the demo's "simulate" commands. */
  get running(): AugustEmulator | undefined {
    return this.emulator;
  }
}
