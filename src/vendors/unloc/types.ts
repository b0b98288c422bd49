/** Unloc Integrator API v1 payloads, as the vendor sends them (see vendor-apis.md section 3). */

export interface UnlocTokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string[];
  lock_holder_ids: string[];
}

export interface UnlocLockHolder {
  id: string;
  name: string;
  countryIso: string;
  organizationId: string;
  organizationIdSuffix?: string;
}

export interface UnlocLockHolderInput {
  name: string;
  countryIso: string;
  organizationId: string;
  organizationIdSuffix?: string;
  createVendorAccount?: boolean;
}

export interface UnlocAddress {
  street?: string;
  postalCode?: string;
  city?: string;
  countryIso?: string;
  floor?: string;
  visitorInstructions?: string;
}

export interface UnlocLock {
  id: string;
  name: string;
  vendor: string;
  imageUrl?: string | null;
  auth?: Record<string, unknown>;
  address?: UnlocAddress;
  canCreateKeysCount?: number;
  keysCreatedCount?: number;
  battery?: number | null;
  timezone?: string;
  /** [INF] Set on a duplicate: the lock it was duplicated from. */
  duplicatedFromLockId?: string;
  /** [INF] Set on a duplicate owned by a user (E.164 phone). */
  ownerUserId?: string;
}

export type UnlocKeyState = 'creating' | 'active' | (string & { readonly __state?: never });

export interface UnlocKey {
  id: string;
  toUser: { id: string; name?: string; imageUrl?: string | null };
  lockId: string;
  start: string | null;
  end: string | null;
  created: string;
  state: UnlocKeyState;
  /** Read defensively: the documented object, an older form, or whatever arrives (see recurrence.ts). */
  recurrence?: unknown;
  /** The key's validity in minutes from `start` (changelog "Key Duration"), instead of `end`. */
  durationMinutes?: number | null;
}

/** One weekly time span of a recurring key (developer.unloc.app recurrence). */
export interface UnlocTimeSpan {
  weekday: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
  startHour: number;
  startMinute: number;
  endHour: number;
  endMinute: number;
}

export interface UnlocRecurrence {
  timeSpans: UnlocTimeSpan[];
}

export interface UnlocKeyInput {
  /** E.164 phone number. */
  userId: string;
  start: string | null;
  end: string | null;
  recurrence?: UnlocRecurrence;
  /** Total validity from start; Lockbridge sends `end` instead and never sets this. */
  durationMinutes?: number;
  metadata?: Record<string, unknown>;
}

export interface UnlocRole {
  userId: string;
  lockId: string;
  canShare: boolean;
  created: string;
  createdKeys: number;
}

/** What Unloc POSTs to a key-event webhook. */
export interface UnlocKeyEvent {
  id: string;
  action: 'unlocked' | (string & { readonly __action?: never });
  created: string;
  keyId: string;
  lockId: string;
  lockName: string;
  userId: string;
  userName: string;
}

/** [INF] Duplicate request: one of the two targets. */
export type UnlocDuplicateInput = { duplicatedLockHolderId: string } | { duplicateUserId: string };

/** [INF] Unloc error body. */
export interface UnlocErrorBody {
  error: string;
  errorDescription?: string;
}
