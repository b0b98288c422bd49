/**
 * Seam Connect payloads, typed after Seam's OpenAPI document (npm @seamapi/types, lib/seam/connect/openapi.js).
 * Only the fields Lockbridge reads or the emulator writes are named; everything else passes through
 * the index signatures untouched.
 */

export interface SeamCodeConstraint {
  constraint_type: string;
  min_length?: number;
  max_length?: number;
  [extra: string]: unknown;
}

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

export interface SeamDeviceIssue {
  error_code?: string;
  warning_code?: string;
  message: string;
  created_at?: string;
  [extra: string]: unknown;
}

export interface SeamDevice {
  device_id: string;
  device_type: string;
  display_name?: string;
  capabilities_supported: string[];
  properties: SeamDeviceProperties;
  connected_account_id: string;
  workspace_id: string;
  created_at: string;
  errors: SeamDeviceIssue[];
  warnings: SeamDeviceIssue[];
  is_managed: boolean;
  can_remotely_lock?: boolean;
  can_remotely_unlock?: boolean;
  can_program_online_access_codes?: boolean;
  location?: unknown;
  [extra: string]: unknown;
}

export type SeamAccessCodeStatus = 'setting' | 'set' | 'unset' | 'removing' | 'unknown';

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
  errors: SeamDeviceIssue[];
  warnings: SeamDeviceIssue[];
  created_at: string;
  workspace_id: string;
  common_code_key: string | null;
  is_backup_access_code_available: boolean;
  is_external_modification_allowed: boolean;
  is_offline_access_code: boolean;
  is_scheduled_on_device?: boolean;
  [extra: string]: unknown;
}

export type SeamActionStatus = 'pending' | 'success' | 'error';

export interface SeamActionAttempt {
  action_attempt_id: string;
  action_type: string;
  status: SeamActionStatus;
  result: Record<string, unknown> | null;
  error: { type: string; message: string } | null;
}

export interface SeamPagination {
  has_next_page: boolean;
  next_page_cursor: string | null;
  next_page_url: string | null;
}

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
  /** ST 1.977.0: keycode, manual, automatic, unknown, remote, card; `seamapi` in 1.721.0. */
  method?: 'keycode' | 'manual' | 'automatic' | 'unknown' | 'remote' | 'card' | 'seamapi';
  /** ST 1.977.0, lock.unlocked: a remote unlock over Bluetooth / by an NFC tap. */
  is_via_bluetooth?: boolean;
  is_via_nfc?: boolean;
  battery_level?: number;
  battery_status?: string;
  [extra: string]: unknown;
}

export interface SeamWebhook {
  webhook_id: string;
  url: string;
  event_types: string[];
  secret?: string;
}

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
  errors: SeamDeviceIssue[];
  warnings: SeamDeviceIssue[];
  acs_access_group_count?: number;
  acs_user_count?: number;
  default_credential_manager_acs_system_id?: string | null;
}

export interface SeamAcsAccessGroup {
  acs_access_group_id: string;
  acs_system_id: string;
  name: string;
  display_name: string;
  workspace_id: string;
  created_at: string;
  [extra: string]: unknown;
}

export interface SeamAccessSchedule {
  starts_at: string;
  ends_at: string | null;
}

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
  errors: SeamDeviceIssue[];
  warnings: SeamDeviceIssue[];
}

export interface SeamUserIdentity {
  user_identity_id: string;
  user_identity_key: string | null;
  email_address: string | null;
  phone_number: string | null;
  display_name: string;
  full_name: string | null;
  created_at: string;
  workspace_id: string;
  errors: SeamDeviceIssue[];
  warnings: SeamDeviceIssue[];
  acs_user_ids: string[];
}

export interface SeamEnrollmentAutomation {
  enrollment_automation_id: string;
  credential_manager_acs_system_id: string;
  user_identity_id: string;
  created_at: string;
  workspace_id: string;
}

/** Seam's error body: {error: {type, message, validation_errors?}, ok: false}. */
export interface SeamErrorBody {
  error: { type: string; message: string; validation_errors?: unknown; data?: unknown };
  ok?: false;
}
