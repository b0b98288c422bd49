/**
 * Request payloads -> core model inputs. Field names are the model's own (what `data` in responses
 * carries too); `lock` names the lock. Shapes are checked here so the hub only ever sees well-formed
 * input, and a malformed request is answered with invalid_input naming the field.
 */
import { LockbridgeError } from '../core/errors';
import {
  WEEKDAYS,
  type AccessCodeInput,
  type CodeSetInput,
  type Schedule,
  type ShareRequest,
  type Weekday,
} from '../core/model';
import type { GenerateOptions } from '../core/lock-source';
import type { Params } from './params';

export const SHARE_KINDS = [
  'duplicate',
  'delete_duplicate',
  'key',
  'revoke_key',
  'mobile_key',
  'revoke_mobile_key',
  'lock_user',
  'remove_lock_user',
] as const satisfies ReadonlyArray<ShareRequest['kind']>;

const SCHEDULE_KINDS = ['always', 'time_bound', 'recurring', 'one_time'] as const;
const MINUTES_PER_DAY = 24 * 60;

export function parseSchedule(p: Params): Schedule {
  const kind = p.oneOf('kind', SCHEDULE_KINDS);
  switch (kind) {
    case 'always':
      return { kind };
    case 'time_bound':
      return { kind, start: p.isoTime('start'), end: p.isoTime('end') };
    case 'one_time': {
      const s: Schedule = { kind };
      const start = p.optionalIsoTime('start');
      const end = p.optionalIsoTime('end');
      if (start) s.start = start;
      if (end) s.end = end;
      return s;
    }
    case 'recurring': {
      const days = p.stringArray('days', 7);
      if (!days.every((d) => (WEEKDAYS as readonly string[]).includes(d)))
        throw new LockbridgeError('invalid_input', `"schedule.days" must hold ${WEEKDAYS.join(', ')}`);
      const s: Schedule = {
        kind,
        days: days as Weekday[],
        startMinute:
          p.optionalInteger('startMinute', 0, MINUTES_PER_DAY) ?? requiredField('schedule.startMinute'),
        endMinute: p.optionalInteger('endMinute', 0, MINUTES_PER_DAY) ?? requiredField('schedule.endMinute'),
      };
      const start = p.optionalIsoTime('start');
      const end = p.optionalIsoTime('end');
      if (start) s.start = start;
      if (end) s.end = end;
      return s;
    }
  }
}

function requiredField(name: string): never {
  throw new LockbridgeError('invalid_input', `"${name}" is required`);
}

/**
 * The PIN: digits only for anything sent to a lock, so nothing else can hide in it. A code that is only
 * validated may hold any printable characters, so the engine can say which rules it breaks.
 */
function pin(p: Params, field: string, forValidation = false): string | undefined {
  const code = p.optionalString(field, 16);
  const allowed = forValidation ? /^[\x21-\x7e]+$/ : /^\d+$/;
  if (code !== undefined && !allowed.test(code))
    throw new LockbridgeError(
      'invalid_input',
      `"${field}" must be ${forValidation ? 'printable characters' : 'digits'}`,
    );
  return code;
}

export function parseCodeInput(p: Params, options: { forValidation?: boolean } = {}): AccessCodeInput {
  const input: AccessCodeInput = { name: p.string('name', 100) };
  const code = pin(p, 'code', options.forValidation);
  if (code !== undefined) input.code = code;
  const schedule = p.optionalObject('schedule');
  if (schedule) input.schedule = parseSchedule(schedule);
  const userId = p.optionalString('userId');
  if (userId !== undefined) input.userId = userId;
  return input;
}

export function parsePartialCodeInput(p: Params): Partial<AccessCodeInput> {
  const input: Partial<AccessCodeInput> = {};
  const name = p.optionalString('name', 100);
  if (name !== undefined) input.name = name;
  const code = pin(p, 'code');
  if (code !== undefined) input.code = code;
  const schedule = p.optionalObject('schedule');
  if (schedule) input.schedule = parseSchedule(schedule);
  const userId = p.optionalString('userId');
  if (userId !== undefined) input.userId = userId;
  if (Object.keys(input).length === 0)
    throw new LockbridgeError('invalid_input', 'Nothing to update: give name, code, schedule or userId');
  return input;
}

export function parseGenerateOptions(p: Params): GenerateOptions {
  const options: GenerateOptions = {};
  const length = p.optionalInteger('length', 1, 16);
  if (length !== undefined) options.length = length;
  const avoid = p.optionalStringArray('avoid', 1000);
  if (avoid) options.avoid = avoid;
  return options;
}

export function parseCodeSetInput(p: Params): CodeSetInput {
  const input: CodeSetInput = { name: p.string('name', 100), lockIds: p.stringArray('lockIds', 200) };
  const code = pin(p, 'code');
  if (code !== undefined) input.code = code;
  const schedule = p.optionalObject('schedule');
  if (schedule) input.schedule = parseSchedule(schedule);
  const perLock = p.optionalBoolean('codePerLock');
  if (perLock !== undefined) input.codePerLock = perLock;
  return input;
}

/** A share request; `kind` comes from the payload or from the topic (`share/<kind>`). */
export function parseShareRequest(p: Params, lockId: string, kind: ShareRequest['kind']): ShareRequest {
  switch (kind) {
    case 'duplicate': {
      const toLockHolderId = p.optionalString('toLockHolderId');
      const toPhone = p.optionalString('toPhone', 32);
      if (!toLockHolderId && !toPhone)
        throw new LockbridgeError('invalid_input', 'A duplicate needs "toLockHolderId" or "toPhone"');
      return { kind, lockId, ...(toLockHolderId ? { toLockHolderId } : {}), ...(toPhone ? { toPhone } : {}) };
    }
    case 'delete_duplicate':
      return { kind, lockId, duplicateLockId: p.string('duplicateLockId') };
    case 'key': {
      const request: ShareRequest = { kind, lockId };
      const toPhone = p.optionalString('toPhone', 32);
      const userId = p.optionalString('userId');
      const name = p.optionalString('name', 100);
      const schedule = p.optionalObject('schedule');
      if (toPhone) request.toPhone = toPhone;
      if (userId) request.userId = userId;
      if (name) request.name = name;
      if (schedule) request.schedule = parseSchedule(schedule);
      return request;
    }
    case 'revoke_key':
      return { kind, lockId, keyId: p.string('keyId') };
    case 'mobile_key': {
      const request: ShareRequest = {
        kind,
        lockId,
        email: p.string('email', 254),
        start: p.isoTime('start'),
        end: p.isoTime('end'),
      };
      const fullName = p.optionalString('fullName', 200);
      const groups = p.optionalStringArray('accessGroupIds');
      const phones = p.optionalInteger('phoneCount', 1, 10);
      if (fullName) request.fullName = fullName;
      if (groups) request.accessGroupIds = groups;
      if (phones !== undefined) request.phoneCount = phones;
      return request;
    }
    case 'revoke_mobile_key':
      return { kind, lockId, grantId: p.string('grantId') };
    case 'lock_user':
      return {
        kind,
        lockId,
        userId: p.string('userId'),
        role: p.oneOf('role', ['user', 'manager', 'superuser'] as const),
      };
    case 'remove_lock_user':
      return { kind, lockId, userId: p.string('userId') };
  }
}
