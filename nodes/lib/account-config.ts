import { LockbridgeError } from '../../src/core/errors';
import { VENDORS, type KnownVendor } from '../../src/core/model';
import { validateAccount } from '../../src/config/validate';
import type { AccountConfig } from '../../src/config/types';

/** The properties of a lockbridge-account node as the editor saves them (all strings). */
export interface AccountNodeProps {
  name?: string;
  /** `vendor`: this process talks to the vendor (or the sandbox); `mqtt`: a running lockbridge daemon. */
  mode?: string;
  vendor?: string;
  brand?: string;
  identifier?: string;
  userId?: string;
  lockHolderIds?: string;
  duplicateLockHolderIds?: string;
  sandboxVendors?: string;
  baseUrl?: string;
  pollInterval?: string | number;
  mqttUrl?: string;
  baseTopic?: string;
}

/** Kept in Node-RED's credential store; never in the flow file, never sent back to the editor. */
export interface AccountCredentials {
  password?: string;
  /** August/Yale: a token obtained elsewhere (Yale Home and Yale Global have no password login). */
  accessToken?: string;
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** Sent with UNLOCK and OPEN when the daemon guards its locks with an unlock code. */
  unlockCode?: string;
}

/** Credential fields and their kinds, for registerType (passwords are never sent to the editor). */
export const CREDENTIAL_TYPES = {
  password: { type: 'password' },
  accessToken: { type: 'password' },
  apiKey: { type: 'password' },
  clientId: { type: 'text' },
  clientSecret: { type: 'password' },
  jwt: { type: 'password' },
  mqttUsername: { type: 'text' },
  mqttPassword: { type: 'password' },
  unlockCode: { type: 'password' },
} as const;

/** A Node-RED node id as an account id: storage paths and log prefixes accept only [A-Za-z0-9_-]. */
export function accountIdFor(nodeId: string): string {
  return `nr-${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function text(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/**
 * Builds the account config of a `vendor` mode node. Known vendors are validated against the one
 * configuration schema; a vendor that only a runtime override knows (tests, embedding) passes its
 * base URL and API key through unchecked.
 */
export function buildAccountConfig(
  nodeId: string,
  props: AccountNodeProps,
  creds: AccountCredentials,
  extraVendors: readonly string[] = [],
): AccountConfig {
  const vendor = text(props.vendor) ?? 'sandbox';
  const base: Record<string, unknown> = { id: accountIdFor(nodeId), vendor };
  if (text(props.name)) base.name = text(props.name);
  if (text(props.baseUrl)) base.baseUrl = text(props.baseUrl);
  const poll = Number(props.pollInterval);
  if (props.pollInterval !== undefined && props.pollInterval !== '' && Number.isFinite(poll) && poll > 0)
    base.pollIntervalSeconds = poll;

  if (!(VENDORS as readonly string[]).includes(vendor) && vendor !== 'sandbox') {
    if (!extraVendors.includes(vendor))
      throw new LockbridgeError(
        'invalid_config',
        `Unknown vendor "${vendor.slice(0, 40)}"; use one of ${[...VENDORS, 'sandbox'].join(', ')}`,
      );
    return { ...base, apiKey: creds.apiKey } as unknown as AccountConfig;
  }
  const v = vendor as KnownVendor | 'sandbox';
  switch (v) {
    case 'august': {
      // The schema checks the brand and names the allowed ones.
      Object.assign(base, {
        brand: text(props.brand) ?? 'august',
        identifier: text(props.identifier),
        password: creds.password,
      });
      if (text(creds.accessToken)) base.accessToken = text(creds.accessToken);
      if (text(creds.apiKey)) base.apiKey = text(creds.apiKey);
      break;
    }
    case 'seam':
      base.apiKey = creds.apiKey;
      break;
    case 'unloc':
      Object.assign(base, {
        clientId: text(creds.clientId),
        clientSecret: creds.clientSecret,
        lockHolderIds: list(props.lockHolderIds),
      });
      if (list(props.duplicateLockHolderIds).length > 0)
        base.duplicateLockHolderIds = list(props.duplicateLockHolderIds);
      break;
    case 'smartphonekey':
      base.userId = text(props.userId);
      if (text(creds.apiKey)) base.apiKey = text(creds.apiKey);
      if (text(creds.jwt)) base.jwt = text(creds.jwt);
      break;
    case 'sandbox':
      if (list(props.sandboxVendors).length > 0) base.vendors = list(props.sandboxVendors);
      break;
  }
  // Drop absent fields so the schema reports "is required" rather than a type error.
  for (const key of Object.keys(base)) if (base[key] === undefined || base[key] === '') delete base[key];
  return validateAccount(base);
}
