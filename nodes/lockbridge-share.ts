/**
 * lockbridge-share: duplicating and sharing a lock. Unloc: duplicate to another lock holder or to a
 * user by phone number, delete a duplicate, keys. Seam (Salto KS): mobile keys for a stay. August:
 * lock users. `list` lists the shares of a lock. The kind comes from msg.kind, msg.payload.kind or the
 * node; the details from msg.payload. Output 1: the result; output 2 (and Catch nodes): the error.
 */
import type { ShareRequest } from '../src/core/model';
import { invalidInput } from './lib/errors';
import { resolveLockId } from './lib/resolve-lock';
import { isObj, need, readIdList, readLockId, readSchedule, str, type Obj } from './lib/messages';
import type { Node, NodeDef, RED } from './lib/red';
import { busyStatus, okStatus } from './lib/status';
import { bindAccount, onInput, sourceOf } from './lib/user-node';

const SHARE_KINDS = [
  'list',
  'duplicate',
  'delete_duplicate',
  'key',
  'revoke_key',
  'mobile_key',
  'revoke_mobile_key',
  'lock_user',
  'remove_lock_user',
] as const;
type ShareKindOrList = (typeof SHARE_KINDS)[number];

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = ['user', 'manager', 'superuser'] as const;

interface ShareNodeDef extends NodeDef {
  account?: string;
  lock?: string;
  kind?: string;
}

function phone(value: unknown, field: string): string {
  const v = str(value)?.replace(/[\s-]/g, '');
  if (!v || !E164.test(v))
    throw invalidInput(`${field} must be a phone number in E.164 form, e.g. +4791234567`);
  return v;
}

function readKind(msg: Obj, payload: Obj, configured: string | undefined): ShareKindOrList {
  const kind = (str(msg.kind) ?? str(payload.kind) ?? str(configured))?.toLowerCase();
  if (!kind || !(SHARE_KINDS as readonly string[]).includes(kind))
    throw invalidInput(`The kind must be one of ${SHARE_KINDS.join(', ')} (msg.kind or the node)`);
  return kind as ShareKindOrList;
}

/** Builds the typed share request of one kind from msg.payload; every missing or bad field is named. */
function shareRequest(kind: Exclude<ShareKindOrList, 'list'>, lockId: string, p: Obj): ShareRequest {
  switch (kind) {
    case 'duplicate': {
      const toLockHolderId = str(p.toLockHolderId);
      const hasPhone = str(p.toPhone) !== undefined;
      if (!toLockHolderId === !hasPhone)
        throw invalidInput('Give exactly one of msg.payload.toLockHolderId or msg.payload.toPhone');
      return toLockHolderId
        ? { kind, lockId, toLockHolderId }
        : { kind, lockId, toPhone: phone(p.toPhone, 'msg.payload.toPhone') };
    }
    case 'delete_duplicate':
      return { kind, lockId, duplicateLockId: need(p, 'duplicateLockId') };
    case 'key': {
      const req: ShareRequest = { kind, lockId };
      if (p.toPhone !== undefined) req.toPhone = phone(p.toPhone, 'msg.payload.toPhone');
      if (str(p.userId)) req.userId = str(p.userId);
      if (!req.toPhone && !req.userId) throw invalidInput('Give msg.payload.toPhone or msg.payload.userId');
      const schedule = readSchedule(p.schedule, 'msg.payload.schedule');
      if (schedule) req.schedule = schedule;
      if (str(p.name)) req.name = str(p.name);
      return req;
    }
    case 'revoke_key':
      return { kind, lockId, keyId: need(p, 'keyId') };
    case 'mobile_key': {
      const email = need(p, 'email');
      if (!EMAIL.test(email)) throw invalidInput('msg.payload.email must be an email address');
      const window = readSchedule({ kind: 'time_bound', start: p.start, end: p.end }, 'msg.payload');
      if (window?.kind !== 'time_bound') throw invalidInput('msg.payload.start and end are required');
      const req: ShareRequest = { kind, lockId, email, start: window.start, end: window.end };
      if (str(p.fullName)) req.fullName = str(p.fullName);
      if (p.accessGroupIds !== undefined)
        req.accessGroupIds = readIdList(p.accessGroupIds, 'msg.payload.accessGroupIds');
      if (p.phoneCount !== undefined) {
        const n = p.phoneCount;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)
          throw invalidInput('msg.payload.phoneCount must be a whole number from 1 to 10');
        req.phoneCount = n;
      }
      return req;
    }
    case 'revoke_mobile_key':
      return { kind, lockId, grantId: need(p, 'grantId') };
    case 'lock_user': {
      const role = str(p.role)?.toLowerCase() ?? 'user';
      if (!(ROLES as readonly string[]).includes(role))
        throw invalidInput(`msg.payload.role must be one of ${ROLES.join(', ')}`);
      return { kind, lockId, userId: need(p, 'userId'), role: role as (typeof ROLES)[number] };
    }
    case 'remove_lock_user':
      return { kind, lockId, userId: need(p, 'userId') };
  }
}

export = function register(RED: RED): void {
  function LockbridgeShareNode(this: Node, config: ShareNodeDef): void {
    RED.nodes.createNode(this, config);
    setup(this, config);
  }

  function setup(node: Node, config: ShareNodeDef): void {
    const account = bindAccount(RED, node, config.account);

    onInput(
      node,
      async ({ msg, send }) => {
        if (msg.payload !== undefined && msg.payload !== null && msg.payload !== '' && !isObj(msg.payload))
          throw invalidInput('msg.payload must be an object with the share details');
        const payload: Obj = isObj(msg.payload) ? msg.payload : {};
        const kind = readKind(msg, payload, config.kind);
        const lockRef = readLockId(msg, config.lock);
        const check = kind === 'list' ? undefined : shareRequest(kind, lockRef, payload);
        const source = await sourceOf(account);
        const lockId = await resolveLockId(source, lockRef);
        const request = check ? { ...check, lockId } : undefined;
        node.status(busyStatus(kind.replace(/_/g, ' ')));
        msg.payload = request ? await source.share(request) : await source.listShares(lockId);
        msg.kind = kind;
        msg.lock = lockId;
        node.status(okStatus(kind.replace(/_/g, ' ')));
        send([msg, null]);
      },
      { errorOutput: { index: 1, count: 2 } },
    );
  }

  RED.nodes.registerType('lockbridge-share', LockbridgeShareNode);
};
