/**
 * The emulators of `bench/cluster.ts`, in a process of their own (as bench/chaos does), so three
 * daemons polling 30,000 locks measure the daemons, not the emulators sharing their event loop. One
 * Seam emulator per account (each a workspace of its own), plus one for the single-daemon baseline.
 * Prints one JSON line when ready: the account configs.
 */
import { SeamEmulator, SEAM_EMULATOR_API_KEY } from '../../src/emulators/seam';

interface Plan {
  accounts: number;
  locksPerAccount: number;
}

const plan = JSON.parse(process.argv[2] ?? '{"accounts":30,"locksPerAccount":1000}') as Plan;

async function start(
  id: string,
  locks: number,
): Promise<{ vendor: 'seam'; id: string; apiKey: string; baseUrl: string }> {
  const emu = new SeamEmulator({ timings: { actionMs: 50, codeSetMs: 200, codeRemoveMs: 50, sweepMs: 20 } });
  emu.server.recordLimit = 10_000;
  for (let l = 0; l < locks; l++)
    emu.state.addDevice({
      device_id: `${id}-${l}`,
      device_type: 'schlage_lock',
      name: `${id} door ${l}`,
      properties: {
        manufacturer: 'schlage',
        supported_code_lengths: [4, 5, 6, 7, 8],
        max_active_codes_supported: 100,
        code_constraints: [],
      },
    });
  const baseUrl = await emu.listen();
  return { vendor: 'seam', id, apiKey: SEAM_EMULATOR_API_KEY, baseUrl };
}

async function main(): Promise<void> {
  const accounts = [];
  for (let a = 0; a < plan.accounts; a++) accounts.push(await start(`acct${a}`, plan.locksPerAccount));
  const solo = await start('solo', 1);
  process.stdout.write(`${JSON.stringify({ accounts, solo })}\n`);
}

void main();
