/**
 * Every SmartphoneKey path and inferred fact in one table, shared by the client and the emulator.
 * Solid (OpenAPI "SmartphoneKey B2C API 1.0.0" and its docs): all paths below, the command envelope,
 * the error body {error, message, code}, EventBridge envelopes.
 * [INF]: how a JWT is issued (not used: the JWT is configured), whether an org-wide lock list exists
 * (we use owned-locks + accessible-locks). The device shadow's format is in shadow.ts.
 */
export const SPK_PATHS = {
  openLock: '/locks/:id/OpenLock',
  basicInfo: '/locks/:id/basic-info',
  details: '/locks/:id/details',
  events: '/locks/:id/events',
  addKey: '/locks/:id/AddKey',
  removeKey: '/locks/:id/RemoveKey',
  openWithPin: '/locks/:id/open-with-pin',
  ownedLocks: '/users/:userId/owned-locks',
  accessibleLocks: '/users/:userId/accessible-locks',
} as const;

export const SPK_DEFAULT_BASE_URL = 'https://api.spkey.co';

/** Panel PIN format (solid): ^\d{4,8}$. */
export const SPK_PANEL_PIN = /^\d{4,8}$/;

export function fillPath(pattern: string, params: Record<string, string | number>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}
