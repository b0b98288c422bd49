import type { SeamDevice } from './types';
import { SEAM_ERROR_TYPES, notFound, seamError, invalidInput } from './errors';
import { type Params, optBool, optString, optStringArray, paginate, reqString } from './params';
import type { Registrar } from './registrar';
import type { SeamState } from './state';

function filterDevices(state: SeamState, p: Params, locksOnly: boolean): SeamDevice[] {
  const ids = optStringArray(p, 'device_ids');
  const type = optString(p, 'device_type');
  const types = optStringArray(p, 'device_types');
  const manufacturer = optString(p, 'manufacturer');
  const account = optString(p, 'connected_account_id');
  return [...state.devices.values()].filter(
    (d) =>
      (!locksOnly || d.capabilities_supported.includes('lock')) &&
      (!ids || ids.includes(d.device_id)) &&
      (!type || d.device_type === type) &&
      (!types || types.includes(d.device_type)) &&
      (!manufacturer || d.properties.manufacturer === manufacturer) &&
      (!account || d.connected_account_id === account),
  );
}

/** devices/get and locks/get take device_id or name. */
function findDevice(state: SeamState, p: Params, locksOnly: boolean): SeamDevice {
  const id = optString(p, 'device_id');
  const name = optString(p, 'name');
  if (!id && !name) throw invalidInput('device_id or name is required', 'device_id');
  const device = id
    ? state.devices.get(id)
    : [...state.devices.values()].find((d) => d.properties.name === name || d.display_name === name);
  if (!device || (locksOnly && !device.capabilities_supported.includes('lock')))
    throw notFound(SEAM_ERROR_TYPES.deviceNotFound, 'Device');
  return device;
}

function lockCommand(state: SeamState, p: Params, locked: boolean) {
  const id = reqString(p, 'device_id');
  const device = state.devices.get(id);
  if (!device) throw notFound(SEAM_ERROR_TYPES.deviceNotFound, 'Device');
  if (!device.capabilities_supported.includes('lock') || device.can_remotely_lock === false)
    throw seamError(400, SEAM_ERROR_TYPES.invalidInput, 'Device cannot be locked or unlocked remotely');
  optBool(p, 'sync');
  return state.lockAttempt(id, locked);
}

export function registerDeviceRoutes(r: Registrar, state: SeamState): void {
  r.add('/devices/list', (p, ctx) => {
    const { page, pagination } = paginate(
      filterDevices(state, p, false),
      p,
      (c) => `${ctx.baseUrl}/devices/list?page_cursor=${c}`,
    );
    return { devices: page, pagination };
  });
  r.add('/devices/get', (p) => ({ device: findDevice(state, p, false) }));
  // locks/list takes limit (default 500) and page_cursor (@seamapi/types openapi, /locks/list body) and
  // answers both keys (its 200 schema: devices, locks). The pagination object is the one Seam's paged lists
  // carry (components.schemas.pagination) and @seamapi/http's SeamPaginator reads from any list.
  r.add('/locks/list', (p, ctx) => {
    const { page, pagination } = paginate(
      filterDevices(state, p, true),
      p,
      (c) => `${ctx.baseUrl}/locks/list?page_cursor=${c}`,
    );
    return { locks: page, devices: page, pagination };
  });
  r.add('/locks/get', (p) => {
    const lock = findDevice(state, p, true);
    return { lock, device: lock };
  });
  r.add(
    '/locks/lock_door',
    async (p, ctx) => ({ action_attempt: await ctx.settle(lockCommand(state, p, true), p) }),
    ['POST'],
  );
  r.add(
    '/locks/unlock_door',
    async (p, ctx) => ({ action_attempt: await ctx.settle(lockCommand(state, p, false), p) }),
    ['POST'],
  );
  r.add('/action_attempts/get', (p) => {
    const record = state.attempts.get(reqString(p, 'action_attempt_id'));
    if (!record) throw notFound(SEAM_ERROR_TYPES.actionAttemptNotFound, 'action_attempt');
    return { action_attempt: record.attempt };
  });
}
