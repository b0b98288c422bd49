/**
 * The SmartphoneKey API as this emulator reads it, written from the vendor's published documents and
 * not from Lockbridge's driver (GitHub spk-alex/documentationai-Docs at 9cd10bc, 2026-08-20):
 * - OA = openapi.yaml "SmartphoneKey B2C API 1.0.0"; paths use `{id}` there, `:id` here.
 * - WH = events-webhooks.mdx; EB = eventbridge-schemas.yaml; MS = matter-bridge-shadow-schemas.json.
 */
export const SPK_ROUTES = {
  /** OA paths./locks/{id}/OpenLock post: {requestId?, reason?}; 200 envelope; 502 shadow failed. */
  openLock: '/locks/:id/OpenLock',
  /** OA paths./locks/{id}/basic-info get. */
  basicInfo: '/locks/:id/basic-info',
  /** OA paths./locks/{id}/details get. */
  details: '/locks/:id/details',
  /** OA paths./locks/{id}/events get, query `page`. */
  events: '/locks/:id/events',
  /** OA paths./locks/{id}/AddKey post: {keyUuid (required), keyIndexNumber?, userId?}. */
  addKey: '/locks/:id/AddKey',
  /** OA paths./locks/{id}/RemoveKey post: {keyUuid?, keyIndexNumber?}. */
  removeKey: '/locks/:id/RemoveKey',
  /** OA paths./locks/{id}/open-with-pin post: {pin} (4 to 8 digits). */
  openWithPin: '/locks/:id/open-with-pin',
  /** OA paths./users/{id}/owned-locks get: {locks, totalCount, source}. */
  ownedLocks: '/users/:userId/owned-locks',
  /** OA paths./users/{id}/accessible-locks get. */
  accessibleLocks: '/users/:userId/accessible-locks',
} as const;

/** OA open-with-pin requestBody pin pattern. */
export const PANEL_PIN = /^\d{4,8}$/;

/** OA accessible-locks accessLevel enum. */
export type AccessLevel = 'OWNER' | 'ADMIN' | 'USER' | 'GUEST';

/** OA details keys[] items. */
export interface EmuKey {
  uuid: string;
  indexNumber?: number | null;
  userId?: string | null;
}

/** OA locks/{id}/events events[] items. */
export interface EmuStoredEvent {
  aggregateType: string;
  aggregateId: string;
  version: number;
  type: string;
  timestamp: string;
  orgId: string;
  event: Record<string, unknown>;
}

/** WH "Webhook Payload" / EB WebhookEvent: the EventBridge envelope. */
export interface EventBridgeEnvelope {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  region: string;
  account: string;
  version: '0';
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * MS LockStateReported: `available` plus Matter attributes `<endpoint>/<cluster>/<attribute>`;
 * MS x-matter-spec 257/0 DoorLock.LockState enum: 0 kNotFullyLocked, 1 kLocked, 2 kUnlocked,
 * 3 kUnlatched; 257/3 DoorLock.DoorState (1 kDoorClosed); 47/12 PowerSource.BatPercentRemaining.
 */
export const MATTER = {
  endpoint: 1,
  lockState: '1/257/0',
  doorState: '1/257/3',
  batteryHalfPercent: '1/47/12',
  locked: 1,
  unlocked: 2,
  unlatched: 3,
  doorClosed: 1,
} as const;
