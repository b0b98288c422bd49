import type { AugustBrand } from '../../config/types';

/**
 * The two API families: August and Yale Access talk to api-production.august.com with x-august-*
 * headers; Yale Home and Yale Global talk to api.aaecosystem.com with x-* headers
 * (vendor-apis.md section 1, "Base URLs" and "Request headers").
 */
export type AugustFamily = 'august' | 'aaecosystem';

export interface BrandConfig {
  brand: AugustBrand;
  family: AugustFamily;
  displayName: string;
  /** Default manufacturer shown for a lock that does not say. */
  manufacturer: string;
  baseUrl: string;
  /** Socket.IO live-updates host (yalexs manager/socketio.py), for brands without PubNub. */
  websocketUrl?: string;
  /** PubNub subscribe key of the brand's app (yalexs const.py `pubnub_subscribe_token`). */
  pubnubSubscribeKey?: string;
  branding: 'august' | 'yale';
  headers: HeaderNames;
  /**
   * Whether a third party can still log in with identifier + password (+ two-factor). August and Yale
   * Access: yes (yalexs const.py BRANDS_WITHOUT_OAUTH). Yale Home: no, yalexs dropped the brand because
   * password login "no longer works" (commit 389ae6c) and homebridge-august 3.3.0 says Yale switched
   * it off, with OAuth open only to registered partners. Yale Global: OAuth only (yalexs const.py
   * require_oauth; Home Assistant's yale integration, application_credentials.py).
   */
  passwordLogin: boolean;
  /**
   * The app API key of the brand. Public sources show them, but our reference deliberately omits
   * them, so the account config must provide `apiKey` for the real service.
   */
  defaultApiKey?: string;
}

export interface HeaderNames {
  apiKey: string;
  accessToken: string;
  branding: string;
  /** Legacy clients also send the key as x-kease-api-key. */
  legacyApiKey?: string;
}

export const FAMILY_HEADERS: Record<AugustFamily, HeaderNames> = {
  august: {
    apiKey: 'x-august-api-key',
    accessToken: 'x-august-access-token',
    branding: 'x-august-branding',
    legacyApiKey: 'x-kease-api-key',
  },
  aaecosystem: { apiKey: 'x-api-key', accessToken: 'x-access-token', branding: 'x-branding' },
};

const AUGUST_BASE = 'https://api-production.august.com';
/** August and Yale Access share one PubNub key set (yalexs const.py BRAND_CONFIG). */
const AUGUST_PUBNUB_SUBSCRIBE_KEY = 'sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f';
const AAECOSYSTEM_BASE = 'https://api.aaecosystem.com';

export const BRANDS: Record<AugustBrand, BrandConfig> = {
  august: {
    brand: 'august',
    family: 'august',
    passwordLogin: true,
    displayName: 'August',
    manufacturer: 'August',
    baseUrl: AUGUST_BASE,
    pubnubSubscribeKey: AUGUST_PUBNUB_SUBSCRIBE_KEY,
    branding: 'august',
    headers: FAMILY_HEADERS.august,
  },
  yale_access: {
    brand: 'yale_access',
    family: 'august',
    passwordLogin: true,
    displayName: 'Yale Access',
    manufacturer: 'Yale',
    baseUrl: AUGUST_BASE,
    pubnubSubscribeKey: AUGUST_PUBNUB_SUBSCRIBE_KEY,
    branding: 'yale',
    headers: FAMILY_HEADERS.august,
  },
  yale_home: {
    brand: 'yale_home',
    family: 'aaecosystem',
    passwordLogin: false,
    displayName: 'Yale Home',
    manufacturer: 'Yale',
    baseUrl: AAECOSYSTEM_BASE,
    websocketUrl: 'https://websocket.aaecosystem.com/',
    branding: 'yale',
    headers: FAMILY_HEADERS.aaecosystem,
  },
  yale_global: {
    brand: 'yale_global',
    family: 'aaecosystem',
    passwordLogin: false,
    displayName: 'Yale Global',
    manufacturer: 'Yale',
    baseUrl: AAECOSYSTEM_BASE,
    websocketUrl: 'https://websocket.aaecosystem.com/',
    branding: 'yale',
    headers: FAMILY_HEADERS.aaecosystem,
  },
};

/** Headers every request carries besides auth (yalexs api_common.py). */
export const COMMON_HEADERS: Record<string, string> = {
  'content-type': 'application/json; charset=UTF-8',
  'x-august-country': 'US',
  'user-agent': 'lockbridge (August/Yale driver)',
};

/** A fresh token may come back under either name; the brand's own name is read first. */
export function freshTokenFrom(headers: Record<string, string>, names: HeaderNames): string | undefined {
  return headers[names.accessToken] ?? headers['x-access-token'] ?? headers['x-august-access-token'];
}
