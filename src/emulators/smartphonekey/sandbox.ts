import { createServer } from 'node:net';
import type { SmartphoneKeyAccountConfig } from '../../config/types';
import type { SandboxVendor } from '../kit/sandbox';
import { SmartphoneKeyEmulator } from './server';

export const SPK_SANDBOX = {
  orgId: 'org-demo',
  apiKey: 'spk-demo-api-key-0001',
  userId: '6f1c2a4e-0000-4000-8000-00000000d3m0',
  neighbourId: '6f1c2a4e-0000-4000-8000-0000000n3igh',
  webhookBearer: 'spk-demo-webhook-bearer',
  frontDoor: 1001,
  gardenGate: 1002,
  sharedEntrance: 1003,
} as const;

/** A free loopback port for the driver's webhook listener (the sandbox tells both sides). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * SmartphoneKey in the sandbox: a Front Door with a door panel (PIN 2468), a Garden Gate that is offline
 * (the emulator queues opens until it is back, as the device shadow would; Lockbridge refuses them with
 * lock_offline), and a Shared Entrance the demo user may open but not manage. Shadow reports arrive by
 * webhook, so an open shows OPEN and then LOCKED again after five seconds.
 */
export function smartphoneKeySandbox(): SandboxVendor {
  const emulator = new SmartphoneKeyEmulator({
    shadowReportDelayMs: 800,
    relockDelayMs: 5000,
    seed: {
      apiKeys: { [SPK_SANDBOX.apiKey]: SPK_SANDBOX.orgId },
      locks: [
        {
          id: SPK_SANDBOX.frontDoor,
          name: 'Front Door',
          ownerId: SPK_SANDBOX.userId,
          orgId: SPK_SANDBOX.orgId,
          panelPin: '2468',
        },
        {
          id: SPK_SANDBOX.gardenGate,
          name: 'Garden Gate',
          ownerId: SPK_SANDBOX.userId,
          orgId: SPK_SANDBOX.orgId,
          online: false,
        },
        {
          id: SPK_SANDBOX.sharedEntrance,
          name: 'Shared Entrance',
          ownerId: SPK_SANDBOX.neighbourId,
          orgId: SPK_SANDBOX.orgId,
        },
      ],
      grants: [
        {
          userId: SPK_SANDBOX.userId,
          lockId: SPK_SANDBOX.sharedEntrance,
          accessLevel: 'USER',
          grantedBy: SPK_SANDBOX.neighbourId,
          expiresAt: null,
        },
      ],
    },
  });
  return {
    vendor: 'smartphonekey',
    async start() {
      const url = await emulator.start();
      const port = await freePort();
      emulator.setWebhook(`http://127.0.0.1:${port}/smartphonekey/events`, {
        bearer: SPK_SANDBOX.webhookBearer,
      });
      const account: SmartphoneKeyAccountConfig = {
        vendor: 'smartphonekey',
        id: 'smartphonekey-demo',
        name: 'SmartphoneKey (sandbox)',
        baseUrl: url,
        apiKey: SPK_SANDBOX.apiKey,
        userId: SPK_SANDBOX.userId,
        webhook: { listenHost: '127.0.0.1', listenPort: port, bearer: SPK_SANDBOX.webhookBearer },
      };
      return { url, accounts: [account] };
    },
    stop: () => emulator.close(),
  };
}
