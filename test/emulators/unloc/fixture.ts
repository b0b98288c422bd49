import { UnlocEmulator } from '../../../src/emulators/unloc';

/**
 * A seeded Unloc world used by the emulator, driver and scenario tests:
 * - integrator `int-a` manages lh-1 (tenant office) and lh-2 (has the garage door, lock-garage);
 * - lh-smith is a locksmith (Salto) that int-a may only duplicate from (special grant);
 * - lh-other is managed by another integrator, `int-b`, and int-a has no grant on it.
 */
export const IDS = {
  clientId: 'int-a',
  clientSecret: 'int-a-secret-0123456789',
  otherClientId: 'int-b',
  otherSecret: 'int-b-secret-0123456789',
  lh1: 'lh-1',
  lh2: 'lh-2',
  smith: 'lh-smith',
  other: 'lh-other',
  officeDoor: 'lock-office',
  garage: 'lock-garage',
  salto1: 'lock-salto-1',
  salto2: 'lock-salto-2',
  otherLock: 'lock-other',
} as const;

export function seededUnloc(
  options: { keyActivationDelayMs?: number; tokenTtlMs?: number } = {},
): UnlocEmulator {
  return new UnlocEmulator({
    keyActivationDelayMs: options.keyActivationDelayMs ?? 5,
    tokenTtlMs: options.tokenTtlMs,
    seed: {
      integrators: [
        {
          clientId: IDS.clientId,
          clientSecret: IDS.clientSecret,
          lockHolderIds: [IDS.lh1, IDS.lh2],
          duplicateGrants: [IDS.smith],
        },
        {
          clientId: IDS.otherClientId,
          clientSecret: IDS.otherSecret,
          lockHolderIds: [IDS.other],
          duplicateGrants: [],
        },
      ],
      lockHolders: [
        { id: IDS.lh1, name: 'Tenant office', countryIso: 'NO', organizationId: '911111111' },
        { id: IDS.lh2, name: 'Building owner', countryIso: 'NO', organizationId: '922222222' },
        { id: IDS.smith, name: 'Locksmith', countryIso: 'NO', organizationId: '933333333' },
        { id: IDS.other, name: 'Someone else', countryIso: 'SE', organizationId: '944444444' },
      ],
      locks: [
        { id: IDS.officeDoor, lockHolderId: IDS.lh1, name: 'Office Door', vendor: 'danalock', battery: 15 },
        { id: IDS.garage, lockHolderId: IDS.lh2, name: 'Garage Door', vendor: 'assa' },
        { id: IDS.salto1, lockHolderId: IDS.smith, name: 'Main Entrance', vendor: 'salto' },
        { id: IDS.salto2, lockHolderId: IDS.smith, name: 'Bike Room', vendor: 'salto' },
        { id: IDS.otherLock, lockHolderId: IDS.other, name: 'Other Door', vendor: 'salto' },
      ],
    },
  });
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** Raw HTTP to the emulator, so tests see exactly what the vendor would answer. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function tokenFor(
  base: string,
  scope: string | string[],
  clientId: string = IDS.clientId,
): Promise<string> {
  const secret = clientId === IDS.clientId ? IDS.clientSecret : IDS.otherSecret;
  const res = await call(base, 'POST', '/auth/v1/token/', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope },
  });
  if (res.status !== 200) throw new Error(`token ${JSON.stringify(scope)}: ${res.status}`);
  return res.body.access_token as string;
}
