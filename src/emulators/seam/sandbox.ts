import type { SandboxVendor } from '../kit/sandbox';
import type { AccountConfig } from '../../config/types';
import { SEAM_EMULATOR_API_KEY, SeamEmulator } from './server';

/**
 * The Seam part of the sandbox: the emulator with realistic delays and the demo workspace (Front Door
 * by Nuki, Back Door by Schlage, an offline Garage Side Door, and a Salto KS Lobby Entrance).
 */
export function seamSandbox(): SandboxVendor {
  let emulator: SeamEmulator | undefined;
  return {
    vendor: 'seam',
    async start() {
      emulator = new SeamEmulator({ timings: 'realistic', seed: true });
      const url = await emulator.listen();
      const accounts: AccountConfig[] = [
        {
          vendor: 'seam',
          id: 'seam-demo',
          name: 'Seam demo workspace',
          apiKey: SEAM_EMULATOR_API_KEY,
          baseUrl: url,
          eventPollSeconds: 2,
        },
      ];
      return { url, accounts };
    },
    async stop() {
      await emulator?.close();
      emulator = undefined;
    },
  };
}
