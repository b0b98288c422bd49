import { LockbridgeError, isLockbridgeError } from '../../core/errors';
import type { Share, ShareRequest, ShareResult } from '../../core/model';
import type { ShareDriver } from '../driver';
import type { AugustClient } from './client';
import type { LockUserType } from './paths';
import type { AugustLockDetail } from './types';

export interface UsersDeps {
  client: AugustClient;
  authed<T>(fn: () => Promise<T>): Promise<T>;
}

const ROLES: LockUserType[] = ['user', 'manager', 'superuser'];

/** Lock users (user / manager / superuser) as shares of kind lock_user. */
export class AugustUsers implements ShareDriver {
  constructor(private readonly deps: UsersDeps) {}

  private detail(lockId: string): Promise<AugustLockDetail> {
    return this.deps.authed(() => this.deps.client.getLock(lockId));
  }

  async share(vendorLockId: string, request: ShareRequest): Promise<ShareResult> {
    if (request.kind === 'lock_user') {
      if (!ROLES.includes(request.role) || !request.userId)
        throw new LockbridgeError(
          'invalid_input',
          'A lock user needs a userId and a role of user, manager or superuser',
        );
      const detail = await this.detail(vendorLockId);
      const onLock = detail.users?.[request.userId] !== undefined;
      await this.roleCall(() =>
        onLock
          ? this.deps.client.changeUserType(vendorLockId, request.userId, request.role)
          : this.deps.client.addUser(vendorLockId, request.userId, request.role),
      );
      return {
        kind: 'lock_user',
        lockId: vendorLockId,
        share: {
          id: request.userId,
          kind: 'lock_user',
          lockId: vendorLockId,
          with: request.userId,
          state: 'active',
          role: request.role,
        },
        data: { changed: onLock ? 'type' : 'added' },
      };
    }
    if (request.kind === 'remove_lock_user') {
      await this.roleCall(() => this.deps.client.removeUser(vendorLockId, request.userId));
      return { kind: 'remove_lock_user', lockId: vendorLockId };
    }
    throw new LockbridgeError('not_supported', `August locks cannot share by ${request.kind}`, {
      vendor: 'august',
    });
  }

  async list(vendorLockId: string): Promise<Share[]> {
    const detail = await this.detail(vendorLockId);
    return Object.entries(detail.users ?? {}).map(([userId, user]) => ({
      id: userId,
      kind: 'lock_user' as const,
      lockId: vendorLockId,
      with: [user.FirstName, user.LastName].filter(Boolean).join(' ').trim() || userId,
      state: 'active',
      role: typeof user.UserType === 'string' ? user.UserType : 'user',
    }));
  }

  /**
   * The user routes answer 401 when the caller's role on the lock is too low. The driver has already
   * logged in again once; a 401 that survives that is about the role, not the token.
   */
  private async roleCall(fn: () => Promise<unknown>): Promise<void> {
    try {
      await this.deps.authed(fn);
    } catch (err) {
      if (isLockbridgeError(err) && err.code === 'auth_failed' && err.status === 401)
        throw new LockbridgeError(
          'forbidden',
          'Only a manager or superuser on this lock may change its users',
          {
            vendor: 'august',
            status: 401,
          },
        );
      throw err;
    }
  }
}
