/**
 * The emulator's own reading of Seam Connect's objects, written from Seam's OpenAPI document (npm
 * @seamapi/types 1.721.0, lib/seam/connect/openapi.js, components.schemas.<name> as noted on each type) and
 * Seam's docs (docs.seam.co). Deliberately independent of the driver's code: the driver's reading and this
 * one meet only over HTTP, so a wrong field name on either side fails a test. Required fields are the
 * schema's `required` lists; optional ones are those the emulator writes.
 */

/** Seam's `{ error_code | warning_code, message, created_at }` entries on devices, codes and ACS objects. */
export interface SeamIssue {
  error_code?: string;
  warning_code?: string;
  message: string;
  created_at?: string;
  [extra: string]: unknown;
}

/** components.schemas.device, properties.code_constraints items (code and name constraints). */
export interface SeamCodeConstraint {
  constraint_type: string;
  min_length?: number;
  max_length?: number;
  [extra: string]: unknown;
}

/** components.schemas.device.properties (the lock and access-code property groups). */
export interface SeamDeviceProperties {
  name: string;
  online: boolean;
  locked?: boolean;
  door_open?: boolean;
  /** 0..1 */
  battery_level?: number;
  battery?: { level: number; status: 'critical' | 'low' | 'good' | 'full' };
  manufacturer?: string;
  model?: { display_name: string; manufacturer_display_name: string; [extra: string]: unknown };
  serial_number?: string;
  appearance?: { name: string };
  supported_code_lengths?: number[];
  max_active_codes_supported?: number;
  code_constraints?: SeamCodeConstraint[];
  supports_backup_access_code_pool?: boolean;
  has_native_entry_events?: boolean;
  [extra: string]: unknown;
}

/** components.schemas.device (required: device_id ... custom_metadata). */
export interface SeamDevice {
  device_id: string;
  device_type: string;
  display_name: string;
  nickname?: string;
  capabilities_supported: string[];
  properties: SeamDeviceProperties;
  location: { location_name?: string; timezone?: string } | null;
  space_ids: string[];
  custom_metadata: Record<string, string | boolean>;
  connected_account_id: string;
  workspace_id: string;
  created_at: string;
  errors: SeamIssue[];
  warnings: SeamIssue[];
  is_managed: boolean;
  can_remotely_lock?: boolean;
  can_remotely_unlock?: boolean;
  can_program_online_access_codes?: boolean;
  [extra: string]: unknown;
}

/** components.schemas.access_code status enum. */
export type SeamAccessCodeStatus = 'setting' | 'set' | 'unset' | 'removing' | 'unknown';

/** components.schemas.access_code. */
export interface SeamAccessCode {
  access_code_id: string;
  device_id: string;
  name: string | null;
  code: string | null;
  type: 'ongoing' | 'time_bound';
  status: SeamAccessCodeStatus;
  starts_at?: string | null;
  ends_at?: string | null;
  is_one_time_use: boolean;
  is_managed: boolean;
  errors: SeamIssue[];
  warnings: SeamIssue[];
  created_at: string;
  workspace_id: string;
  common_code_key: string | null;
  is_backup_access_code_available: boolean;
  is_external_modification_allowed: boolean;
  is_offline_access_code: boolean;
  is_scheduled_on_device?: boolean;
  [extra: string]: unknown;
}

/** components.schemas.action_attempt (one variant per action_type and status). */
export interface SeamActionAttempt {
  action_attempt_id: string;
  action_type: string;
  status: 'pending' | 'success' | 'error';
  result: Record<string, unknown> | null;
  error: { type: string; message: string } | null;
}

/** components.schemas.event (one variant per event_type; fields the emulator writes). */
export interface SeamEvent {
  event_id: string;
  event_type: string;
  workspace_id: string;
  created_at: string;
  occurred_at: string;
  device_id?: string;
  connected_account_id?: string;
  access_code_id?: string;
  action_attempt_id?: string;
  acs_system_id?: string;
  acs_user_id?: string;
  acs_credential_id?: string;
  /** lock.locked / lock.unlocked method (enum per @seamapi/types: keycode, manual, automatic, unknown, ...). */
  method?: string;
  battery_level?: number;
  battery_status?: string;
  [extra: string]: unknown;
}

/** components.schemas.webhook (required: webhook_id, url). */
export interface SeamWebhook {
  webhook_id: string;
  url: string;
  event_types?: string[];
  secret?: string;
}

/** components.schemas.acs_system. */
export interface SeamAcsSystem {
  acs_system_id: string;
  name: string;
  external_type?: string;
  external_type_display_name?: string;
  system_type?: string;
  system_type_display_name?: string;
  is_credential_manager: boolean;
  connected_account_id: string;
  connected_account_ids: string[];
  workspace_id: string;
  created_at: string;
  location: { time_zone: string | null };
  image_url: string;
  image_alt_text: string;
  errors: SeamIssue[];
  warnings: SeamIssue[];
  acs_access_group_count?: number;
  acs_user_count?: number;
  default_credential_manager_acs_system_id?: string | null;
}

/** components.schemas.acs_access_group. */
export interface SeamAcsAccessGroup {
  acs_access_group_id: string;
  acs_system_id: string;
  connected_account_id: string;
  name: string;
  display_name: string;
  access_group_type: string;
  access_group_type_display_name: string;
  external_type: string;
  external_type_display_name: string;
  is_managed: boolean;
  workspace_id: string;
  created_at: string;
  warnings: SeamIssue[];
  [extra: string]: unknown;
}

/** acs_user.access_schedule. */
export interface SeamAccessSchedule {
  starts_at: string;
  ends_at: string | null;
}

/** components.schemas.acs_user. */
export interface SeamAcsUser {
  acs_user_id: string;
  acs_system_id: string;
  workspace_id: string;
  created_at: string;
  display_name: string;
  full_name?: string;
  email_address?: string;
  phone_number?: string;
  user_identity_id?: string;
  access_schedule?: SeamAccessSchedule;
  is_suspended?: boolean;
  external_type?: string;
  connected_account_id: string;
  last_successful_sync_at: string | null;
  is_managed: boolean;
  errors: Array<{ error_code: string; message: string; created_at: string }>;
  warnings: Array<{ warning_code: string; message: string; created_at: string }>;
  pending_mutations?: Array<{ mutation_code: string; message: string; created_at: string }>;
}

/** components.schemas.acs_credential. */
export interface SeamAcsCredential {
  acs_credential_id: string;
  acs_system_id: string;
  acs_user_id?: string;
  user_identity_id?: string;
  access_method: 'code' | 'card' | 'mobile_key';
  display_name: string;
  is_multi_phone_sync_credential?: boolean;
  is_managed: boolean;
  connected_account_id: string;
  workspace_id: string;
  created_at: string;
  starts_at?: string;
  ends_at?: string;
  external_type?: string;
  errors: SeamIssue[];
  warnings: SeamIssue[];
}

/** components.schemas.user_identity. */
export interface SeamUserIdentity {
  user_identity_id: string;
  user_identity_key: string | null;
  email_address: string | null;
  phone_number: string | null;
  display_name: string;
  full_name: string | null;
  created_at: string;
  workspace_id: string;
  errors: SeamIssue[];
  warnings: SeamIssue[];
  acs_user_ids: string[];
}

/** components.schemas.enrollment_automation (x-undocumented in the document). */
export interface SeamEnrollmentAutomation {
  enrollment_automation_id: string;
  credential_manager_acs_system_id: string;
  user_identity_id: string;
  created_at: string;
  workspace_id: string;
}
