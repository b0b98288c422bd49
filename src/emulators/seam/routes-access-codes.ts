import { randomUUID } from 'node:crypto';
import type { SeamAccessCode, SeamDevice } from './types';
import { codeViolations, generateCodeFor, nameViolations, type CodeViolation } from './constraints';
import { SEAM_ERROR_TYPES, invalidInput, notFound, seamError } from './errors';
import { type Params, optBool, optDate, optString, optStringArray, paginate, reqString } from './params';
import type { Registrar } from './registrar';
import type { CodeRecord, SeamState } from './state';

interface CodeFields {
  name?: string | null;
  code?: string;
  starts_at?: string;
  ends_at?: string;
  is_one_time_use?: boolean;
}

function deviceForCodes(state: SeamState, deviceId: string): SeamDevice {
  const device = state.devices.get(deviceId);
  if (!device) throw notFound(SEAM_ERROR_TYPES.deviceNotFound, 'Device');
  if (!device.capabilities_supported.includes('access_code'))
    throw seamError(400, SEAM_ERROR_TYPES.invalidInput, 'Device does not support access codes');
  return device;
}

/** Schema-level checks (pattern ^\d+$, 4..9 characters) answer invalid_input, like Seam's validator. */
function schemaCheck(code: string | undefined): void {
  if (code !== undefined && (!/^\d+$/.test(code) || code.length < 4 || code.length > 9))
    throw invalidInput('code must be 4 to 9 digits', 'code');
}

function timeCheck(state: SeamState, fields: CodeFields): void {
  if (!fields.starts_at !== !fields.ends_at)
    throw invalidInput('Both starts_at and ends_at must be provided if one is');
  if (fields.starts_at && fields.ends_at) {
    if (Date.parse(fields.ends_at) <= Date.parse(fields.starts_at))
      throw invalidInput('ends_at must be after starts_at', 'ends_at');
    if (Date.parse(fields.ends_at) <= state.now())
      throw invalidInput('ends_at must be in the future', 'ends_at');
  }
}

/**
 * Checks a new or changed code on a device as Seam does: constraints and lengths (every broken rule
 * named in error.data), duplicates (409), and the maximum of active codes.
 */
function enforce(
  state: SeamState,
  device: SeamDevice,
  fields: CodeFields,
  selfId?: string,
  checkCode = true,
): void {
  const others = state.activeCodes(device.device_id, selfId);
  const props = device.properties;
  const input = {
    code: checkCode ? fields.code : undefined,
    name: fields.name,
    starts_at: fields.starts_at,
    otherCodes: others.map((c) => c.code ?? ''),
    otherNames: others.map((c) => c.name ?? ''),
    existingSet: state.existingPinSets.get(device.connected_account_id),
    now: state.now(),
  };
  const violations: CodeViolation[] = [...codeViolations(props, input), ...nameViolations(props, input)];
  if (violations.length > 0) {
    throw seamError(
      400,
      SEAM_ERROR_TYPES.invalidAccessCode,
      `Access code breaks device constraints: ${violations.map((v) => v.rule).join(', ')}`,
      {
        data: {
          constraint_types: [...new Set(violations.map((v) => v.rule))],
          messages: violations.map((v) => v.message),
        },
      },
    );
  }
  if (checkCode && fields.code !== undefined && others.some((c) => c.code === fields.code))
    throw seamError(
      409,
      SEAM_ERROR_TYPES.duplicateAccessCode,
      'Cannot set duplicate access code on this device',
    );
  const max = props.max_active_codes_supported;
  if (selfId === undefined && typeof max === 'number' && others.length >= max)
    throw seamError(
      400,
      SEAM_ERROR_TYPES.maxAccessCodesReached,
      `Device holds at most ${max} active access codes`,
    );
}

function readFields(p: Params): CodeFields {
  const fields: CodeFields = {
    name: optString(p, 'name'),
    code: optString(p, 'code'),
    starts_at: optDate(p, 'starts_at'),
    ends_at: optDate(p, 'ends_at'),
    is_one_time_use: optBool(p, 'is_one_time_use'),
  };
  schemaCheck(fields.code);
  return fields;
}

function mustCode(state: SeamState, id: string): CodeRecord {
  const record = state.codes.get(id);
  if (!record) throw notFound(SEAM_ERROR_TYPES.accessCodeNotFound, 'Access Code');
  return record;
}

export function registerAccessCodeRoutes(r: Registrar, state: SeamState): void {
  r.add(
    '/access_codes/create',
    async (p, ctx) => {
      const device = deviceForCodes(state, reqString(p, 'device_id'));
      const fields = readFields(p);
      timeCheck(state, fields);
      enforce(state, device, fields);
      const now = state.iso();
      const others = state.activeCodes(device.device_id).map((c) => c.code ?? '');
      const code: SeamAccessCode = {
        access_code_id: randomUUID(),
        device_id: device.device_id,
        name: fields.name ?? null,
        code:
          fields.code ??
          generateCodeFor(
            device.properties,
            others,
            state.now(),
            state.existingPinSets.get(device.connected_account_id),
          ),
        type: fields.starts_at ? 'time_bound' : 'ongoing',
        status: 'setting',
        starts_at: fields.starts_at ?? null,
        ends_at: fields.ends_at ?? null,
        is_one_time_use: fields.is_one_time_use ?? false,
        is_managed: true,
        errors: [],
        warnings: [],
        created_at: now,
        workspace_id: state.workspaceId,
        common_code_key: null,
        is_backup_access_code_available: false,
        is_external_modification_allowed: false,
        is_offline_access_code: false,
        is_scheduled_on_device: false,
      };
      const record: CodeRecord = { code };
      state.schedule(record);
      state.codes.set(code.access_code_id, record);
      state.emit('access_code.created', {
        device_id: device.device_id,
        access_code_id: code.access_code_id,
        connected_account_id: device.connected_account_id,
      });
      const attempt = state.startAttempt('CREATE_ACCESS_CODE', () => null, state.timings.codeSetMs);
      return { access_code: { ...code }, action_attempt: await ctx.settle(attempt, p) };
    },
    ['POST'],
  );

  r.add('/access_codes/list', (p, ctx) => {
    const deviceId = optString(p, 'device_id');
    const ids = optStringArray(p, 'access_code_ids');
    // Seam (the fake) answers an empty list for an unknown device_id, and this message without either.
    if (!deviceId && !ids) throw invalidInput("Either 'device_id' or 'access_code_ids' is required");
    const all = [...state.codes.values()]
      .map((rec) => rec.code)
      .filter((c) => (!deviceId || c.device_id === deviceId) && (!ids || ids.includes(c.access_code_id)));
    const { page, pagination } = paginate(all, p, (c) => `${ctx.baseUrl}/access_codes/list?page_cursor=${c}`);
    return { access_codes: page, pagination };
  });

  r.add('/access_codes/get', (p) => {
    const id = optString(p, 'access_code_id');
    if (id) return { access_code: mustCode(state, id).code };
    const deviceId = optString(p, 'device_id');
    const code = optString(p, 'code');
    if (!deviceId || !code)
      throw invalidInput('access_code_id, or device_id and code, is required', 'access_code_id');
    const found = [...state.codes.values()].find(
      (rec) => rec.code.device_id === deviceId && rec.code.code === code,
    );
    if (!found) throw notFound(SEAM_ERROR_TYPES.accessCodeNotFound, 'Access Code');
    return { access_code: found.code };
  });

  r.add(
    '/access_codes/update',
    async (p, ctx) => {
      const record = mustCode(state, reqString(p, 'access_code_id'));
      const code = record.code;
      const device = deviceForCodes(state, code.device_id);
      const fields = readFields(p);
      const type = optString(p, 'type');
      if (type !== undefined && type !== 'ongoing' && type !== 'time_bound')
        throw invalidInput('type must be ongoing or time_bound', 'type');
      const next: CodeFields = {
        name: fields.name !== undefined ? fields.name : code.name,
        code: fields.code ?? code.code ?? undefined,
        starts_at: type === 'ongoing' ? undefined : (fields.starts_at ?? code.starts_at ?? undefined),
        ends_at: type === 'ongoing' ? undefined : (fields.ends_at ?? code.ends_at ?? undefined),
        is_one_time_use: fields.is_one_time_use ?? code.is_one_time_use,
      };
      if (type === 'time_bound' && (!next.starts_at || !next.ends_at))
        throw invalidInput('starts_at and ends_at are required for a time_bound code', 'starts_at');
      timeCheck(state, next);
      const codeChanged = fields.code !== undefined && fields.code !== code.code;
      enforce(state, device, next, code.access_code_id, codeChanged);
      const scheduleChanged =
        next.starts_at !== (code.starts_at ?? undefined) || next.ends_at !== (code.ends_at ?? undefined);
      code.name = next.name ?? null;
      code.code = next.code ?? null;
      code.starts_at = next.starts_at ?? null;
      code.ends_at = next.ends_at ?? null;
      code.type = next.starts_at ? 'time_bound' : 'ongoing';
      code.is_one_time_use = next.is_one_time_use ?? false;
      if (codeChanged || scheduleChanged) state.schedule(record);
      state.emit('access_code.changed', {
        device_id: code.device_id,
        access_code_id: code.access_code_id,
        connected_account_id: device.connected_account_id,
      });
      const attempt = state.startAttempt(
        'UPDATE_ACCESS_CODE',
        () => null,
        codeChanged ? state.timings.codeSetMs : 0,
      );
      return { action_attempt: await ctx.settle(attempt, p) };
    },
    ['POST', 'PUT', 'PATCH'],
  );

  r.add(
    '/access_codes/delete',
    async (p, ctx) => {
      const record = mustCode(state, reqString(p, 'access_code_id'));
      const deviceId = optString(p, 'device_id');
      if (deviceId && deviceId !== record.code.device_id)
        throw notFound(SEAM_ERROR_TYPES.accessCodeNotFound, 'Access Code');
      // Resolved by the sweep when the code is gone from the lock.
      const attempt = state.startAttempt('DELETE_ACCESS_CODE', () => null, Number.MAX_SAFE_INTEGER);
      state.beginRemoval(record, attempt.action_attempt_id);
      return { action_attempt: await ctx.settle(attempt, p) };
    },
    ['POST', 'DELETE'],
  );

  r.add('/access_codes/generate_code', (p) => {
    const device = deviceForCodes(state, reqString(p, 'device_id'));
    const others = state.activeCodes(device.device_id).map((c) => c.code ?? '');
    const code = generateCodeFor(
      device.properties,
      others,
      state.now(),
      state.existingPinSets.get(device.connected_account_id),
    );
    // The answer is an access_code object (@seamapi/types: generated_code $ref access_code) that is not on
    // the device: only device_id and code carry meaning, the rest are the schema's required fields.
    const generated: SeamAccessCode = {
      access_code_id: randomUUID(),
      device_id: device.device_id,
      name: null,
      code,
      type: 'ongoing',
      status: 'unset',
      is_one_time_use: false,
      is_managed: true,
      errors: [],
      warnings: [],
      created_at: state.iso(),
      workspace_id: state.workspaceId,
      common_code_key: null,
      is_backup_access_code_available: false,
      is_external_modification_allowed: false,
      is_offline_access_code: false,
    };
    return { generated_code: generated };
  });
}
