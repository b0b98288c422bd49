import { randomUUID } from 'node:crypto';
import type { SeamAcsSystem } from './types';
import type { SeamState } from './state';

/** The Salto KS connected account (a UUID, like every Seam id). */
export const SALTO_KS_ACCOUNT = '5ea10000-0000-4000-8000-00000000005a';

/** The Nuki constraints of seam-access-code-requirements.txt. */
export const NUKI_CONSTRAINTS = [
  { constraint_type: 'cannot_start_with_12' },
  { constraint_type: 'no_zeros' },
  { constraint_type: 'name_length', max_length: 20 },
];

export interface SeamDemoIds {
  nuki: string;
  schlage: string;
  offline: string;
  saltoLock: string;
  saltoSystem: string;
  credentialManager: string;
  accessGroups: { mainEntrance: string; apartment101: string };
}

export function addAcsSystem(
  state: SeamState,
  input: {
    name: string;
    external_type?: string;
    is_credential_manager?: boolean;
    connected_account_id: string;
    acs_system_id?: string;
  },
): SeamAcsSystem {
  const system: SeamAcsSystem = {
    acs_system_id: input.acs_system_id ?? randomUUID(),
    name: input.name,
    is_credential_manager: input.is_credential_manager ?? false,
    connected_account_id: input.connected_account_id,
    connected_account_ids: [input.connected_account_id],
    workspace_id: state.workspaceId,
    created_at: state.iso(),
    location: { time_zone: 'Europe/Madrid' },
    image_url: 'https://connect.getseam.com/assets/images/acs_systems/salto_ks.png',
    image_alt_text: input.name,
    errors: [],
    warnings: [],
    acs_access_group_count: 0,
    acs_user_count: 0,
  };
  if (input.external_type) {
    system.external_type = input.external_type;
    system.system_type = input.external_type;
    system.external_type_display_name = 'Salto KS';
    system.system_type_display_name = 'Salto KS';
  }
  state.acsSystems.set(system.acs_system_id, system);
  return system;
}

export function addAccessGroup(
  state: SeamState,
  acsSystemId: string,
  name: string,
  id: string = randomUUID(),
): string {
  const system = state.acsSystems.get(acsSystemId);
  state.accessGroups.set(id, {
    acs_access_group_id: id,
    acs_system_id: acsSystemId,
    connected_account_id: system?.connected_account_id ?? state.connectedAccountId,
    name,
    display_name: name,
    workspace_id: state.workspaceId,
    created_at: state.iso(),
    // components.schemas.acs_access_group: access_group_type / external_type enums include salto_ks_access_group.
    access_group_type: 'salto_ks_access_group',
    access_group_type_display_name: 'Salto KS Access Group',
    external_type: 'salto_ks_access_group',
    external_type_display_name: 'Salto KS Access Group',
    is_managed: true,
    warnings: [],
    members: new Set(),
  });
  if (system) system.acs_access_group_count = (system.acs_access_group_count ?? 0) + 1;
  return id;
}

/**
 * The demo workspace: a Nuki lock with the document's constraints, a Schlage lock, an offline August
 * lock, and a Salto KS site (with its credential manager, two access groups and a lobby door).
 */
export function seedDemo(state: SeamState): SeamDemoIds {
  const nuki = state.addDevice({
    device_id: 'd0000000-5ea3-4000-8000-00000000f001',
    device_type: 'nuki_lock',
    name: 'Front Door',
    properties: {
      manufacturer: 'nuki',
      model: { display_name: 'Smart Lock 3.0 Pro', manufacturer_display_name: 'Nuki' },
      battery_level: 0.86,
      battery: { level: 0.86, status: 'full' },
      keypad_battery: { level: 1 },
      door_open: false,
      has_native_entry_events: true,
      supported_code_lengths: [6],
      max_active_codes_supported: 250,
      code_constraints: NUKI_CONSTRAINTS.map((c) => ({ ...c })),
      supports_backup_access_code_pool: true,
      serial_number: 'NUKI-3P-0001',
    },
  });
  const schlage = state.addDevice({
    device_id: 'd0000000-5ea3-4000-8000-00000000b002',
    device_type: 'schlage_lock',
    name: 'Back Door',
    properties: {
      manufacturer: 'schlage',
      model: { display_name: 'Encode Plus', manufacturer_display_name: 'Schlage' },
      battery_level: 0.64,
      battery: { level: 0.64, status: 'good' },
      supported_code_lengths: [4, 5, 6, 7, 8],
      max_active_codes_supported: 100,
      code_constraints: [],
    },
  });
  const offline = state.addDevice({
    device_id: 'd0000000-5ea3-4000-8000-00000000c003',
    device_type: 'august_lock',
    name: 'Garage Side Door',
    properties: {
      manufacturer: 'august',
      model: { display_name: 'Wi-Fi Smart Lock', manufacturer_display_name: 'August' },
      battery_level: 0.12,
      battery: { level: 0.12, status: 'low' },
      supported_code_lengths: [4, 5, 6, 7, 8],
      max_active_codes_supported: 12,
      code_constraints: [],
      locked: false,
    },
  });
  state.setOnline(offline.device_id, false);

  const site = addAcsSystem(state, {
    name: 'Salto KS Site',
    external_type: 'salto_ks_site',
    connected_account_id: SALTO_KS_ACCOUNT,
    acs_system_id: 'a0000000-5ea3-4000-8000-0000000005a1',
  });
  const manager = addAcsSystem(state, {
    name: 'Salto KS Credential Manager',
    is_credential_manager: true,
    connected_account_id: SALTO_KS_ACCOUNT,
    acs_system_id: 'a0000000-5ea3-4000-8000-0000000005a2',
  });
  state.compatibleManagers.set(site.acs_system_id, [manager.acs_system_id]);
  site.default_credential_manager_acs_system_id = manager.acs_system_id;
  // Fixed ids, so flows and configs that name them keep working across sandbox runs.
  const mainEntrance = addAccessGroup(
    state,
    site.acs_system_id,
    'Main Entrance',
    'a0000000-5ea3-4000-8000-0000000000e1',
  );
  const apartment101 = addAccessGroup(
    state,
    site.acs_system_id,
    'Apartment 101',
    'a0000000-5ea3-4000-8000-000000000101',
  );
  const saltoLock = state.addDevice({
    device_id: 'd0000000-5ea3-4000-8000-00000000a004',
    device_type: 'salto_lock',
    name: 'Lobby Entrance',
    connected_account_id: SALTO_KS_ACCOUNT,
    capabilities: ['lock'],
    properties: {
      manufacturer: 'salto',
      model: { display_name: 'XS4 One', manufacturer_display_name: 'Salto' },
      battery_level: 0.93,
      battery: { level: 0.93, status: 'full' },
    },
  });
  return {
    nuki: nuki.device_id,
    schlage: schlage.device_id,
    offline: offline.device_id,
    saltoLock: saltoLock.device_id,
    saltoSystem: site.acs_system_id,
    credentialManager: manager.acs_system_id,
    accessGroups: { mainEntrance, apartment101 },
  };
}
