import { randomUUID } from 'node:crypto';
import type { SeamAcsCredential, SeamAcsSystem, SeamAcsUser, SeamUserIdentity } from './types';
import { SEAM_ERROR_TYPES, invalidInput, notFound, seamError } from './errors';
import { type Params, optBool, optDate, optString, optStringArray, paginate, reqString } from './params';
import type { Registrar } from './registrar';
import type { SeamState } from './state';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function mustSystem(state: SeamState, id: string): SeamAcsSystem {
  const system = state.acsSystems.get(id);
  if (!system) throw notFound(SEAM_ERROR_TYPES.acsSystemNotFound, 'acs_system');
  return system;
}

function mustIdentity(state: SeamState, id: string): SeamUserIdentity {
  const identity = state.userIdentities.get(id);
  if (!identity) throw notFound(SEAM_ERROR_TYPES.userIdentityNotFound, 'user_identity');
  return identity;
}

function mustAcsUser(state: SeamState, id: string): SeamAcsUser {
  const user = state.acsUsers.get(id);
  if (!user) throw notFound(SEAM_ERROR_TYPES.acsUserNotFound, 'acs_user');
  return user;
}

/** Steps 1-6 of seam-salto-ks-mobile-credentials.txt, plus the look-ups and deletes around them. */
export function registerAcsRoutes(r: Registrar, state: SeamState): void {
  // Step 1: user identities.
  r.add(
    '/user_identities/create',
    (p) => {
      const email = optString(p, 'email_address');
      const phone = optString(p, 'phone_number');
      const fullName = optString(p, 'full_name');
      const key = optString(p, 'user_identity_key');
      if (email !== undefined && !EMAIL.test(email))
        throw invalidInput('email_address must be an email address', 'email_address');
      const all = [...state.userIdentities.values()];
      if (key && all.some((u) => u.user_identity_key === key))
        throw seamError(
          409,
          SEAM_ERROR_TYPES.userIdentityKeyExists,
          'A user identity with this user_identity_key already exists',
        );
      if (email && all.some((u) => u.email_address?.toLowerCase() === email.toLowerCase()))
        throw seamError(
          409,
          SEAM_ERROR_TYPES.userIdentityEmailExists,
          'A user identity with this email_address already exists',
        );
      const identity: SeamUserIdentity = {
        user_identity_id: randomUUID(),
        user_identity_key: key ?? null,
        email_address: email ?? null,
        phone_number: phone ?? null,
        display_name: fullName ?? email ?? phone ?? 'User',
        full_name: fullName ?? null,
        created_at: state.iso(),
        workspace_id: state.workspaceId,
        errors: [],
        warnings: [],
        acs_user_ids: [],
      };
      for (const systemId of optStringArray(p, 'acs_system_ids') ?? []) mustSystem(state, systemId);
      state.userIdentities.set(identity.user_identity_id, identity);
      return { user_identity: identity };
    },
    ['POST'],
  );
  r.add('/user_identities/get', (p) => {
    const id = optString(p, 'user_identity_id');
    const key = optString(p, 'user_identity_key');
    if (!id && !key)
      throw invalidInput('user_identity_id or user_identity_key is required', 'user_identity_id');
    const identity = id
      ? state.userIdentities.get(id)
      : [...state.userIdentities.values()].find((u) => u.user_identity_key === key);
    if (!identity) throw notFound(SEAM_ERROR_TYPES.userIdentityNotFound, 'user_identity');
    return { user_identity: identity };
  });

  // Step 2: the ACS systems and their credential managers.
  r.add('/acs/systems/list', (p) => {
    const account = optString(p, 'connected_account_id');
    return {
      acs_systems: [...state.acsSystems.values()].filter(
        (s) => !account || s.connected_account_id === account || s.connected_account_ids.includes(account),
      ),
    };
  });
  r.add('/acs/systems/get', (p) => ({ acs_system: mustSystem(state, reqString(p, 'acs_system_id')) }));
  r.add('/acs/systems/list_compatible_credential_manager_acs_systems', (p) => {
    const system = mustSystem(state, reqString(p, 'acs_system_id'));
    const ids = state.compatibleManagers.get(system.acs_system_id) ?? [];
    return { acs_systems: ids.map((id) => state.acsSystems.get(id)).filter((s): s is SeamAcsSystem => !!s) };
  });
  r.add('/acs/access_groups/list', (p) => {
    const systemId = optString(p, 'acs_system_id');
    return {
      acs_access_groups: [...state.accessGroups.values()]
        .filter((g) => !systemId || g.acs_system_id === systemId)
        .map(({ members: _members, ...group }) => group),
    };
  });

  // Step 3: enrollment automations.
  r.add(
    '/user_identities/enrollment_automations/launch',
    (p) => {
      const identity = mustIdentity(state, reqString(p, 'user_identity_id'));
      const manager = mustSystem(state, reqString(p, 'credential_manager_acs_system_id'));
      if (!manager.is_credential_manager)
        throw invalidInput(
          'credential_manager_acs_system_id is not a credential manager',
          'credential_manager_acs_system_id',
        );
      optBool(p, 'create_credential_manager_user');
      const automation = {
        enrollment_automation_id: randomUUID(),
        credential_manager_acs_system_id: manager.acs_system_id,
        user_identity_id: identity.user_identity_id,
        created_at: state.iso(),
        workspace_id: state.workspaceId,
      };
      state.enrollments.set(automation.enrollment_automation_id, automation);
      return { enrollment_automation: automation };
    },
    ['POST'],
  );
  r.add('/user_identities/enrollment_automations/list', (p) => {
    const id = mustIdentity(state, reqString(p, 'user_identity_id')).user_identity_id;
    return {
      enrollment_automations: [...state.enrollments.values()].filter((e) => e.user_identity_id === id),
    };
  });

  // Step 4: ACS users, "unsubscribed" on Salto KS until their access schedule starts.
  r.add(
    '/acs/users/create',
    (p) => {
      const fullName = reqString(p, 'full_name');
      const system = mustSystem(state, reqString(p, 'acs_system_id'));
      if (system.is_credential_manager)
        throw invalidInput('acs_system_id is a credential manager', 'acs_system_id');
      const identityId = optString(p, 'user_identity_id');
      const identity = identityId ? mustIdentity(state, identityId) : undefined;
      const rawSchedule = p.access_schedule;
      let schedule: SeamAcsUser['access_schedule'];
      if (rawSchedule !== undefined && rawSchedule !== null) {
        if (typeof rawSchedule !== 'object')
          throw invalidInput('access_schedule must be an object', 'access_schedule');
        const s = rawSchedule as Params;
        const startsAt = optDate(s, 'starts_at') ?? state.iso();
        const endsAt = optDate(s, 'ends_at') ?? null;
        if (endsAt && Date.parse(endsAt) <= Date.parse(startsAt))
          throw invalidInput('access_schedule.ends_at must be after starts_at', 'access_schedule');
        schedule = { starts_at: startsAt, ends_at: endsAt };
      }
      const groupIds = optStringArray(p, 'acs_access_group_ids') ?? [];
      for (const g of groupIds)
        if (!state.accessGroups.has(g))
          throw notFound(SEAM_ERROR_TYPES.acsAccessGroupNotFound, 'acs_access_group');
      const email = optString(p, 'email_address') ?? optString(p, 'email');
      const user: SeamAcsUser = {
        acs_user_id: randomUUID(),
        acs_system_id: system.acs_system_id,
        workspace_id: state.workspaceId,
        created_at: state.iso(),
        display_name: fullName,
        full_name: fullName,
        connected_account_id: system.connected_account_id,
        last_successful_sync_at: state.iso(),
        is_managed: true,
        is_suspended: false,
        external_type: system.external_type === 'salto_ks_site' ? 'salto_site_user' : undefined,
        errors: [],
        warnings: [],
        pending_mutations: [],
      };
      if (email) user.email_address = email;
      const phone = optString(p, 'phone_number');
      if (phone) user.phone_number = phone;
      if (identity) user.user_identity_id = identity.user_identity_id;
      if (schedule) {
        user.access_schedule = schedule;
        const now = state.now();
        const inside =
          Date.parse(schedule.starts_at) <= now && (!schedule.ends_at || Date.parse(schedule.ends_at) > now);
        if (!inside && system.external_type === 'salto_ks_site')
          user.warnings.push(state.unsubscribedWarning());
      }
      state.acsUsers.set(user.acs_user_id, user);
      identity?.acs_user_ids.push(user.acs_user_id);
      for (const g of groupIds) state.accessGroups.get(g)?.members.add(user.acs_user_id);
      state.emit('acs_user.created', { acs_system_id: system.acs_system_id, acs_user_id: user.acs_user_id });
      return { acs_user: user };
    },
    ['POST'],
  );
  r.add('/acs/users/get', (p) => ({ acs_user: mustAcsUser(state, reqString(p, 'acs_user_id')) }));
  // acs/users/list and acs/credentials/list are paged lists (@seamapi/types: limit, page_cursor; answer
  // requires pagination).
  r.add('/acs/users/list', (p, ctx) => {
    const systemId = optString(p, 'acs_system_id');
    const identityId = optString(p, 'user_identity_id');
    const all = [...state.acsUsers.values()].filter(
      (u) =>
        (!systemId || u.acs_system_id === systemId) && (!identityId || u.user_identity_id === identityId),
    );
    const { page, pagination } = paginate(all, p, (c) => `${ctx.baseUrl}/acs/users/list?page_cursor=${c}`);
    return { acs_users: page, pagination };
  });
  r.add(
    '/acs/users/delete',
    (p) => {
      const user = mustAcsUser(state, reqString(p, 'acs_user_id'));
      state.acsUsers.delete(user.acs_user_id);
      for (const g of state.accessGroups.values()) g.members.delete(user.acs_user_id);
      for (const c of [...state.credentials.values()])
        if (c.acs_user_id === user.acs_user_id) {
          state.credentials.delete(c.acs_credential_id);
          state.emit('acs_credential.deleted', {
            acs_system_id: c.acs_system_id,
            acs_credential_id: c.acs_credential_id,
          });
        }
      if (user.user_identity_id) {
        const identity = state.userIdentities.get(user.user_identity_id);
        if (identity) identity.acs_user_ids = identity.acs_user_ids.filter((id) => id !== user.acs_user_id);
      }
      state.emit('acs_user.deleted', { acs_system_id: user.acs_system_id, acs_user_id: user.acs_user_id });
      return {};
    },
    ['POST', 'DELETE'],
  );

  // Step 5: access groups.
  r.add(
    '/acs/users/add_to_access_group',
    (p) => {
      const user = mustAcsUser(state, reqString(p, 'acs_user_id'));
      const group = state.accessGroups.get(reqString(p, 'acs_access_group_id'));
      if (!group) throw notFound(SEAM_ERROR_TYPES.acsAccessGroupNotFound, 'acs_access_group');
      if (group.acs_system_id !== user.acs_system_id)
        throw invalidInput('The access group belongs to another access system', 'acs_access_group_id');
      group.members.add(user.acs_user_id);
      return {};
    },
    ['POST', 'PUT'],
  );

  // Step 6: credentials (mobile keys need the user identity enrolled with a credential manager).
  r.add(
    '/acs/credentials/create',
    (p) => {
      const method = reqString(p, 'access_method');
      if (!['code', 'card', 'mobile_key'].includes(method))
        throw invalidInput('access_method must be code, card or mobile_key', 'access_method');
      const userId = optString(p, 'acs_user_id');
      const identityId = optString(p, 'user_identity_id');
      if (!userId && !identityId)
        throw invalidInput('acs_user_id or user_identity_id is required', 'acs_user_id');
      const user = userId
        ? mustAcsUser(state, userId)
        : [...state.acsUsers.values()].find((u) => u.user_identity_id === identityId);
      if (!user) throw notFound(SEAM_ERROR_TYPES.acsUserNotFound, 'acs_user');
      if (method === 'mobile_key') {
        const managers = state.compatibleManagers.get(user.acs_system_id) ?? [];
        const enrolled =
          user.user_identity_id !== undefined &&
          [...state.enrollments.values()].some(
            (e) =>
              e.user_identity_id === user.user_identity_id &&
              managers.includes(e.credential_manager_acs_system_id),
          );
        if (!enrolled)
          throw seamError(
            400,
            SEAM_ERROR_TYPES.missingCredentialManagerUser,
            'The user identity has no enrollment automation for a credential manager of this access system',
          );
      }
      const code = optString(p, 'code');
      const credential: SeamAcsCredential = {
        acs_credential_id: randomUUID(),
        acs_system_id: user.acs_system_id,
        acs_user_id: user.acs_user_id,
        access_method: method as SeamAcsCredential['access_method'],
        display_name: method === 'mobile_key' ? 'Mobile Key' : method === 'code' ? 'PIN Code' : 'Card',
        is_multi_phone_sync_credential: optBool(p, 'is_multi_phone_sync_credential') ?? false,
        is_managed: true,
        connected_account_id: user.connected_account_id,
        workspace_id: state.workspaceId,
        created_at: state.iso(),
        external_type: 'salto_ks_credential',
        errors: [],
        warnings: [],
      };
      if (user.user_identity_id) credential.user_identity_id = user.user_identity_id;
      if (user.access_schedule) {
        credential.starts_at = user.access_schedule.starts_at;
        if (user.access_schedule.ends_at) credential.ends_at = user.access_schedule.ends_at;
      }
      if (code) (credential as SeamAcsCredential & { code?: string }).code = code;
      state.credentials.set(credential.acs_credential_id, credential);
      state.emit('acs_credential.issued', {
        acs_system_id: user.acs_system_id,
        acs_credential_id: credential.acs_credential_id,
      });
      return { acs_credential: credential };
    },
    ['POST'],
  );
  r.add('/acs/credentials/list', (p, ctx) => {
    const userId = optString(p, 'acs_user_id');
    const systemId = optString(p, 'acs_system_id');
    const all = [...state.credentials.values()].filter(
      (c) => (!userId || c.acs_user_id === userId) && (!systemId || c.acs_system_id === systemId),
    );
    const { page, pagination } = paginate(
      all,
      p,
      (c) => `${ctx.baseUrl}/acs/credentials/list?page_cursor=${c}`,
    );
    return { acs_credentials: page, pagination };
  });
  r.add(
    '/acs/credentials/delete',
    (p) => {
      const id = reqString(p, 'acs_credential_id');
      const credential = state.credentials.get(id);
      if (!credential) throw notFound(SEAM_ERROR_TYPES.acsCredentialNotFound, 'acs_credential');
      state.credentials.delete(id);
      state.emit('acs_credential.deleted', {
        acs_system_id: credential.acs_system_id,
        acs_credential_id: id,
      });
      return {};
    },
    ['POST', 'DELETE'],
  );
}
