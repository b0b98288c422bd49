import { randomUUID } from 'node:crypto';
import type {
  SeamAccessCode,
  SeamAcsAccessGroup,
  SeamAcsCredential,
  SeamAcsSystem,
  SeamAcsUser,
  SeamActionAttempt,
  SeamDevice,
  SeamDeviceProperties,
  SeamEnrollmentAutomation,
  SeamEvent,
  SeamUserIdentity,
  SeamWebhook,
} from './types';
import { SEAM_ERROR_TYPES } from './errors';

/** Asynchronous behaviour, in ms: tests use a few ms, the sandbox realistic values. */
export interface SeamTimings {
  /** pending -> success|error for lock_door / unlock_door. */
  actionMs: number;
  /** setting -> set for a new or changed code. */
  codeSetMs: number;
  /** removing -> gone for a deleted or ended code. */
  codeRemoveMs: number;
  /** How often time-driven changes are applied without a request (schedules, webhooks). */
  sweepMs: number;
  /** Svix retry schedule (Seam: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  webhookRetryMs: number[];
}

export const REALISTIC_TIMINGS: SeamTimings = {
  actionMs: 1500,
  codeSetMs: 3000,
  codeRemoveMs: 2000,
  sweepMs: 1000,
  webhookRetryMs: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
};

export const FAST_TIMINGS: SeamTimings = {
  actionMs: 5,
  codeSetMs: 5,
  codeRemoveMs: 5,
  sweepMs: 5,
  webhookRetryMs: [0, 10, 20],
};

interface AttemptRecord {
  attempt: SeamActionAttempt;
  resolveAt: number;
  /** Runs once at resolveAt; returns an error to fail the attempt. */
  effect: () => { type: string; message: string } | null;
}

export interface CodeRecord {
  code: SeamAccessCode;
  settleAt?: number;
  removeAt?: number;
  /** DELETE_ACCESS_CODE attempt to resolve when the code is gone. */
  deleteAttemptId?: string;
}

export type EventListener = (event: SeamEvent) => void;

/**
 * Everything the emulated Seam workspace holds, and the clock-driven changes: action attempts that
 * resolve, codes that settle, time-bound codes that start and end, Salto KS users that subscribe at
 * starts_at. `sweep()` applies every change due; the server calls it on each request and on a timer.
 */
export class SeamState {
  // Seam ids are UUIDs (format: uuid on every *_id of @seamapi/types' schemas); fixed ones keep runs comparable.
  readonly workspaceId = '5ea10000-0000-4000-8000-00000000000a';
  readonly connectedAccountId = '5ea10000-0000-4000-8000-00000000000b';
  readonly apiKeys = new Set<string>();
  readonly devices = new Map<string, SeamDevice>();
  readonly codes = new Map<string, CodeRecord>();
  readonly attempts = new Map<string, AttemptRecord>();
  readonly events: SeamEvent[] = [];
  readonly webhooks = new Map<string, SeamWebhook>();
  readonly acsSystems = new Map<string, SeamAcsSystem>();
  /** ACS system id -> credential manager system ids compatible with it. */
  readonly compatibleManagers = new Map<string, string[]>();
  readonly accessGroups = new Map<string, SeamAcsAccessGroup & { members: Set<string> }>();
  readonly acsUsers = new Map<string, SeamAcsUser>();
  readonly credentials = new Map<string, SeamAcsCredential>();
  readonly userIdentities = new Map<string, SeamUserIdentity>();
  readonly enrollments = new Map<string, SeamEnrollmentAutomation>();
  /** Per connected account: codes users already have (pin_code_matches_existing_set). */
  readonly existingPinSets = new Map<string, string[]>();
  /** Devices whose next lock/unlock fails as jammed. */
  readonly jammed = new Set<string>();
  private readonly listeners = new Set<EventListener>();

  constructor(
    public timings: SeamTimings,
    readonly now: () => number = Date.now,
  ) {}

  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: string, fields: Partial<SeamEvent>): SeamEvent {
    const at = this.iso();
    const event: SeamEvent = {
      event_id: randomUUID(),
      event_type: type,
      workspace_id: this.workspaceId,
      created_at: at,
      occurred_at: at,
      ...fields,
    };
    this.events.push(event);
    if (this.events.length > 10_000) this.events.splice(0, this.events.length - 10_000);
    for (const l of [...this.listeners]) l(event);
    return event;
  }

  // -- devices -------------------------------------------------------------------------------------------

  addDevice(input: {
    device_id?: string;
    device_type: string;
    name: string;
    connected_account_id?: string;
    capabilities?: string[];
    properties?: Partial<SeamDeviceProperties>;
  }): SeamDevice {
    const id = input.device_id ?? randomUUID();
    const capabilities = input.capabilities ?? ['lock', 'access_code'];
    const device: SeamDevice = {
      device_id: id,
      device_type: input.device_type,
      display_name: input.name,
      nickname: input.name,
      capabilities_supported: capabilities,
      properties: {
        name: input.name,
        appearance: { name: input.name },
        // properties.model is required, with display_name and manufacturer_display_name (@seamapi/types).
        model: { display_name: 'Smart Lock', manufacturer_display_name: manufacturerName(input.device_type) },
        online: true,
        locked: true,
        ...input.properties,
      },
      connected_account_id: input.connected_account_id ?? this.connectedAccountId,
      workspace_id: this.workspaceId,
      created_at: this.iso(),
      errors: [],
      warnings: [],
      is_managed: true,
      location: null,
      space_ids: [],
      custom_metadata: {},
      can_remotely_lock: capabilities.includes('lock'),
      can_remotely_unlock: capabilities.includes('lock'),
      can_program_online_access_codes: capabilities.includes('access_code'),
    };
    this.devices.set(id, device);
    this.emit('device.added', { device_id: id, connected_account_id: device.connected_account_id });
    return device;
  }

  /** Flips a lock's connection, with Seam's device_offline error and events. */
  setOnline(deviceId: string, online: boolean): void {
    const device = this.mustDevice(deviceId);
    if (device.properties.online === online) return;
    device.properties.online = online;
    device.errors = online
      ? device.errors.filter((e) => e.error_code !== 'device_offline')
      : [
          ...device.errors,
          {
            error_code: 'device_offline',
            message: 'Device is offline',
            is_device_error: true,
            created_at: this.iso(),
          },
        ];
    this.emit(online ? 'device.connected' : 'device.disconnected', {
      device_id: deviceId,
      connected_account_id: device.connected_account_id,
      ...(online ? {} : { error_code: 'device_disconnected' }),
    });
  }

  /** A physical lock/unlock (thumb turn, keypad, auto-lock), as the lock reports it to Seam. */
  setLocked(
    deviceId: string,
    locked: boolean,
    method: 'keycode' | 'manual' | 'automatic' | 'unknown' | 'seamapi',
    extra: Partial<SeamEvent> = {},
  ): SeamEvent {
    const device = this.mustDevice(deviceId);
    device.properties.locked = locked;
    return this.emit(locked ? 'lock.locked' : 'lock.unlocked', {
      device_id: deviceId,
      connected_account_id: device.connected_account_id,
      method,
      ...extra,
    });
  }

  setBattery(deviceId: string, level: number): void {
    const device = this.mustDevice(deviceId);
    const status = level < 0.1 ? 'critical' : level < 0.2 ? 'low' : level < 0.8 ? 'good' : 'full';
    device.properties.battery_level = level;
    device.properties.battery = { level, status };
    this.emit(
      status === 'low' || status === 'critical' ? 'device.low_battery' : 'device.battery_status_changed',
      {
        device_id: deviceId,
        connected_account_id: device.connected_account_id,
        battery_level: level,
        battery_status: status,
      },
    );
  }

  mustDevice(deviceId: string): SeamDevice {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`Unknown Seam device ${deviceId}`);
    return device;
  }

  // -- action attempts -----------------------------------------------------------------------------------

  startAttempt(
    actionType: string,
    effect: AttemptRecord['effect'],
    delayMs = this.timings.actionMs,
  ): SeamActionAttempt {
    const attempt: SeamActionAttempt = {
      action_attempt_id: randomUUID(),
      action_type: actionType,
      status: 'pending',
      result: null,
      error: null,
    };
    this.attempts.set(attempt.action_attempt_id, { attempt, resolveAt: this.now() + delayMs, effect });
    return attempt;
  }

  /** Lock/unlock as an action attempt: fails when the device is offline or jammed at resolve time. */
  lockAttempt(deviceId: string, locked: boolean): SeamActionAttempt {
    const actionType = locked ? 'LOCK_DOOR' : 'UNLOCK_DOOR';
    const attempt = this.startAttempt(actionType, () => {
      const device = this.devices.get(deviceId);
      if (!device || device.properties.online === false)
        return { type: SEAM_ERROR_TYPES.deviceOffline, message: 'Device is offline' };
      if (this.jammed.delete(deviceId))
        return { type: SEAM_ERROR_TYPES.lockJammed, message: 'The lock is jammed' };
      // `seamapi` is the method of @seamapi/types 1.721.0 (the document the tests pin); 1.977.0 says `remote`.
      this.setLocked(deviceId, locked, 'seamapi', { action_attempt_id: attempt.action_attempt_id });
      this.emit(`action_attempt.${locked ? 'lock_door' : 'unlock_door'}.succeeded`, {
        device_id: deviceId,
        action_attempt_id: attempt.action_attempt_id,
        action_type: actionType,
        status: 'success',
        connected_account_id: device.connected_account_id,
      });
      return null;
    });
    return attempt;
  }

  // -- access codes ----------------------------------------------------------------------------------------

  /** Codes of a device that occupy a slot (a code being removed no longer counts). */
  activeCodes(deviceId: string, exceptId?: string): SeamAccessCode[] {
    return [...this.codes.values()]
      .map((r) => r.code)
      .filter((c) => c.device_id === deviceId && c.access_code_id !== exceptId && c.status !== 'removing');
  }

  /** Starts removing a code (delete, end of a time-bound code, one-time code used). */
  beginRemoval(record: CodeRecord, deleteAttemptId?: string): void {
    record.code.status = 'removing';
    record.settleAt = undefined;
    record.removeAt = this.now() + this.timings.codeRemoveMs;
    if (deleteAttemptId) record.deleteAttemptId = deleteAttemptId;
  }

  /** Puts a code (back) on its way to the lock: unset before its start, setting otherwise. */
  schedule(record: CodeRecord): void {
    const code = record.code;
    const now = this.now();
    const start = code.starts_at ? Date.parse(code.starts_at) : undefined;
    if (start !== undefined && start > now) {
      code.status = 'unset';
      record.settleAt = undefined;
    } else {
      code.status = 'setting';
      record.settleAt = now + this.timings.codeSetMs;
    }
  }

  // -- time ----------------------------------------------------------------------------------------------

  /** Applies every change that is due now. */
  sweep(): void {
    const now = this.now();
    // Codes first: a code that is gone resolves its DELETE_ACCESS_CODE attempt in the same sweep.
    for (const [id, record] of this.codes) this.sweepCode(id, record, now);
    for (const record of this.attempts.values()) {
      if (record.attempt.status !== 'pending' || record.resolveAt > now) continue;
      const error = record.effect();
      record.attempt.status = error ? 'error' : 'success';
      record.attempt.error = error;
      record.attempt.result = error ? null : {};
    }
    for (const user of this.acsUsers.values()) this.sweepAcsUser(user, now);
  }

  private sweepCode(id: string, record: CodeRecord, now: number): void {
    const code = record.code;
    const device = this.devices.get(code.device_id);
    const fields = {
      device_id: code.device_id,
      access_code_id: id,
      connected_account_id: device?.connected_account_id,
    };
    const ends = code.ends_at ? Date.parse(code.ends_at) : undefined;
    if (code.status === 'removing') {
      if (record.removeAt !== undefined && record.removeAt <= now) {
        this.codes.delete(id);
        this.emit('access_code.removed_from_device', fields);
        this.emit('access_code.deleted', { ...fields, code: code.code });
        if (record.deleteAttemptId) {
          const attempt = this.attempts.get(record.deleteAttemptId);
          if (attempt && attempt.attempt.status === 'pending') attempt.resolveAt = now;
        }
      }
      return;
    }
    if (ends !== undefined && ends <= now) {
      this.beginRemoval(record);
      return;
    }
    if (code.status === 'unset' && code.starts_at && Date.parse(code.starts_at) <= now) {
      code.status = 'setting';
      record.settleAt = now + this.timings.codeSetMs;
      this.emit('access_code.scheduled_on_device', fields);
    }
    // A code settles only while its lock is online.
    if (
      code.status === 'setting' &&
      record.settleAt !== undefined &&
      record.settleAt <= now &&
      device?.properties.online !== false
    ) {
      code.status = 'set';
      record.settleAt = undefined;
      if (code.type === 'time_bound') code.is_scheduled_on_device = true;
      this.emit('access_code.set_on_device', { ...fields, code: code.code });
    }
  }

  /** Salto KS: an ACS user with an access schedule is "unsubscribed" outside it. */
  private sweepAcsUser(user: SeamAcsUser, now: number): void {
    const schedule = user.access_schedule;
    if (!schedule) return;
    const inside =
      Date.parse(schedule.starts_at) <= now && (!schedule.ends_at || Date.parse(schedule.ends_at) > now);
    const flagged = user.warnings.some((w) => w.warning_code === 'salto_ks_user_not_subscribed');
    if (inside && flagged)
      user.warnings = user.warnings.filter((w) => w.warning_code !== 'salto_ks_user_not_subscribed');
    if (!inside && !flagged) user.warnings.push(this.unsubscribedWarning());
  }

  unsubscribedWarning(): SeamAcsUser['warnings'][number] {
    return {
      warning_code: 'salto_ks_user_not_subscribed',
      message: 'User is not subscribed on Salto KS, so they cannot unlock doors',
      created_at: this.iso(),
    };
  }
}

/** "nuki_lock" -> "Nuki": the manufacturer part of a Seam device_type, for a default model name. */
function manufacturerName(deviceType: string): string {
  const word = deviceType.split('_')[0] ?? deviceType;
  return word.charAt(0).toUpperCase() + word.slice(1);
}
