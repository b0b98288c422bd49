import type { UnlocAccountConfig } from '../../config/types';
import type { SandboxVendor } from '../kit/sandbox';
import { UnlocEmulator } from './server';

export const UNLOC_SANDBOX = {
  clientId: 'lockbridge-demo',
  clientSecret: 'demo-unloc-secret',
  home: 'lh-home',
  garageCoop: 'lh-garage-coop',
  locksmith: 'lh-locksmith',
} as const;

/**
 * Unloc in the sandbox: an integrator managing a home and a shared-garage lock holder, plus a
 * locksmith whose locks it may duplicate under Unloc's special grant. Keys turn active after 1.5 s.
 */
export function unlocSandbox(): SandboxVendor {
  const emulator = new UnlocEmulator({
    keyActivationDelayMs: 1500,
    seed: {
      integrators: [
        {
          clientId: UNLOC_SANDBOX.clientId,
          clientSecret: UNLOC_SANDBOX.clientSecret,
          lockHolderIds: [UNLOC_SANDBOX.home, UNLOC_SANDBOX.garageCoop],
          duplicateGrants: [UNLOC_SANDBOX.locksmith],
        },
      ],
      lockHolders: [
        { id: UNLOC_SANDBOX.home, name: 'Home', countryIso: 'NO', organizationId: '900000001' },
        { id: UNLOC_SANDBOX.garageCoop, name: 'Garage co-op', countryIso: 'NO', organizationId: '900000002' },
        {
          id: UNLOC_SANDBOX.locksmith,
          name: 'City Locksmith',
          countryIso: 'NO',
          organizationId: '900000003',
        },
      ],
      locks: [
        {
          id: 'unloc-front-door',
          lockHolderId: UNLOC_SANDBOX.home,
          name: 'Front Door',
          vendor: 'danalock',
          battery: 86,
          timezone: 'Europe/Oslo',
          address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo', countryIso: 'NO' },
        },
        {
          id: 'unloc-garage-door',
          lockHolderId: UNLOC_SANDBOX.garageCoop,
          name: 'Garage Door',
          vendor: 'assa',
          timezone: 'Europe/Oslo',
        },
        {
          id: 'unloc-building-entrance',
          lockHolderId: UNLOC_SANDBOX.locksmith,
          name: 'Building Entrance',
          vendor: 'salto',
          timezone: 'Europe/Oslo',
        },
      ],
    },
  });
  return {
    vendor: 'unloc',
    async start() {
      const url = await emulator.start();
      const account: UnlocAccountConfig = {
        vendor: 'unloc',
        id: 'unloc-demo',
        name: 'Unloc (sandbox)',
        baseUrl: url,
        clientId: UNLOC_SANDBOX.clientId,
        clientSecret: UNLOC_SANDBOX.clientSecret,
        lockHolderIds: [UNLOC_SANDBOX.home, UNLOC_SANDBOX.garageCoop],
        duplicateLockHolderIds: [UNLOC_SANDBOX.locksmith],
      };
      return { url, accounts: [account] };
    },
    stop: () => emulator.close(),
  };
}
