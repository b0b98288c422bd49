/** SmartphoneKey B2C API payloads (vendor-apis.md section 4). */

export interface SpkEnvelope<D = Record<string, unknown>> {
  success: boolean;
  aggregateId: string;
  version: number;
  event: { type: string; data: D } | null;
}

export interface SpkOpenLockData {
  lockId: number;
  uuid: string;
  timestamp: string;
  reason?: string;
  requestId?: string;
}

export interface SpkBasicInfo {
  /** openapi.yaml: a string. */
  id: string;
  lockId: number;
  uuid: string;
  version: number;
  serialNumber: string;
  ownerId: string;
  orgId: string;
  organizationId: string;
  doId: string;
  r2Prefix: string;
}

export interface SpkKey {
  uuid: string;
  indexNumber?: number | null;
  userId?: string | null;
}

export interface SpkDetails extends SpkBasicInfo {
  keys: SpkKey[];
  residents: Array<{ userId: string; name: string; email: string }>;
  timestamp: string;
}

export interface SpkStoredEvent {
  aggregateType: string;
  aggregateId: string;
  version: number;
  type: string;
  timestamp: string;
  orgId: string;
  event: Record<string, unknown>;
}

export interface SpkEventsPage {
  aggregateId: string;
  totalEvents: number;
  page: number;
  pageSize: number;
  totalPages: number;
  events: SpkStoredEvent[];
}

/** openapi.yaml /users/{id}/owned-locks: serialNumber and thingName nullable, lastUpdated epoch ms. */
export interface SpkOwnedLock {
  lockUuid: string;
  serialNumber: string | null;
  thingName: string | null;
  online: boolean;
  keysCount: number;
  residentCount: number;
  lastEvent: string | null;
  lastUpdated: number | null;
}

export type SpkAccessLevel = 'OWNER' | 'ADMIN' | 'USER' | 'GUEST';

/** openapi.yaml /users/{id}/accessible-locks types lockId as a string; the seed as a number. */
export interface SpkAccessibleLock {
  lockId: number | string;
  lockName: string;
  accessLevel: SpkAccessLevel;
  grantedBy: string | null;
  expiresAt?: string | null;
}

/** EventBridge envelope of a SmartphoneKey webhook. */
export interface SpkWebhookEnvelope {
  id: string;
  source: 'spk.api' | 'spk.iot.shadow' | (string & { readonly __source?: never });
  'detail-type': string;
  time: string;
  region: string;
  account: string;
  version: '0';
  resources: string[];
  detail: Record<string, unknown>;
}
