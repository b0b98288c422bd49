import { SmartphoneKeyEmulator } from '../../../src/emulators/smartphonekey';

/**
 * Org A (API key KEY_A) owns locks 101 (owner: Alice, door panel PIN 4711) and 102 (owner: Alice,
 * offline). Org B owns 201 (owner: Bob), on which Alice has a GUEST grant. Carol owns nothing and holds
 * no key. JWTs are seeded (the issuer is not documented).
 */
export const SPK = {
  keyA: 'spk-key-org-a-0123456789',
  keyB: 'spk-key-org-b-0123456789',
  orgA: 'org-a',
  orgB: 'org-b',
  alice: '11111111-1111-4111-8111-111111111111',
  bob: '22222222-2222-4222-8222-222222222222',
  carol: '33333333-3333-4333-8333-333333333333',
  jwtAlice: 'eyJ.alice.jwt-0123456789',
  jwtBob: 'eyJ.bob.jwt-0123456789',
  jwtCarol: 'eyJ.carol.jwt-0123456789',
  pin: '4711',
} as const;

export function seededSpk(
  options: { shadowReportDelayMs?: number; relockDelayMs?: number; panelLockoutMs?: number } = {},
): SmartphoneKeyEmulator {
  return new SmartphoneKeyEmulator({
    shadowReportDelayMs: options.shadowReportDelayMs ?? 2,
    relockDelayMs: options.relockDelayMs ?? 10,
    maxWrongPins: 3,
    panelLockoutMs: options.panelLockoutMs ?? 60_000,
    seed: {
      apiKeys: { [SPK.keyA]: SPK.orgA, [SPK.keyB]: SPK.orgB },
      jwts: { [SPK.jwtAlice]: SPK.alice, [SPK.jwtBob]: SPK.bob, [SPK.jwtCarol]: SPK.carol },
      locks: [
        { id: 101, name: 'Front Door', ownerId: SPK.alice, orgId: SPK.orgA, panelPin: SPK.pin },
        { id: 102, name: 'Shed', ownerId: SPK.alice, orgId: SPK.orgA, online: false },
        { id: 201, name: 'Bob Door', ownerId: SPK.bob, orgId: SPK.orgB },
      ],
      grants: [{ userId: SPK.alice, lockId: 201, accessLevel: 'GUEST', grantedBy: SPK.bob, expiresAt: null }],
    },
  });
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function spkCall(
  base: string,
  method: string,
  path: string,
  options: { apiKey?: string; jwt?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...(options.jwt ? { authorization: `Bearer ${options.jwt}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}
