import { randomUUID } from 'node:crypto';
import type {
  Key as UnlocKey,
  KeyEvent as UnlocKeyEvent,
  Lock as UnlocLock,
  LockHolder as UnlocLockHolder,
  Role as UnlocRole,
} from './api';

/** An integrator account: its client credentials, the holders it manages, and Unloc's special grants. */
export interface EmuIntegrator {
  clientId: string;
  clientSecret: string;
  /** Lock holders it manages (integrator.admin lists them; lockHolder.admin:<id> is granted). */
  lockHolderIds: string[];
  /** Lock holders whose locks it may duplicate (lockHolder.duplicateLocks:<id>), granted by Unloc. */
  duplicateGrants: string[];
}

export interface EmuLockHolder extends UnlocLockHolder {
  activeInstallerInviteCodes: string[];
}

/** A lock in the emulator: owned by a lock holder, or (a duplicate) by a user's phone number. */
export interface EmuLock extends UnlocLock {
  lockHolderId?: string;
}

export interface EmuKey extends UnlocKey {
  lockHolderId: string;
  metadata?: Record<string, unknown>;
}

export interface EmuWebhook {
  id: string;
  lockId: string;
  webhookUrl: string;
  /** v2 Access Events carry appUserId where v1 Key Events carry userId. */
  api?: 'v1' | 'v2';
}

export interface UnlocSeed {
  integrators?: EmuIntegrator[];
  lockHolders?: Array<Omit<EmuLockHolder, 'activeInstallerInviteCodes'>>;
  locks?: Array<Omit<EmuLock, 'id'> & { id?: string; lockHolderId: string }>;
}

/** Everything the Unloc emulator knows; routes and the test API both work on it. */
export class UnlocState {
  readonly integrators = new Map<string, EmuIntegrator>();
  readonly lockHolders = new Map<string, EmuLockHolder>();
  readonly locks = new Map<string, EmuLock>();
  readonly keys = new Map<string, EmuKey>();
  /** lockId -> userId -> role */
  readonly roles = new Map<string, Map<string, UnlocRole>>();
  readonly webhooks: EmuWebhook[] = [];
  /** Key events are kept 30 days by Unloc; the emulator keeps them all. */
  readonly keyEvents: UnlocKeyEvent[] = [];

  seed(seed: UnlocSeed): void {
    for (const i of seed.integrators ?? []) this.integrators.set(i.clientId, { ...i });
    for (const h of seed.lockHolders ?? [])
      this.lockHolders.set(h.id, { ...h, activeInstallerInviteCodes: [] });
    for (const l of seed.locks ?? []) {
      const id = l.id ?? randomUUID();
      this.locks.set(id, { canCreateKeysCount: 1, keysCreatedCount: 0, ...l, id });
    }
  }

  integratorManaging(lockHolderId: string): EmuIntegrator | undefined {
    return [...this.integrators.values()].find((i) => i.lockHolderIds.includes(lockHolderId));
  }

  locksOf(lockHolderId: string): EmuLock[] {
    return [...this.locks.values()].filter((l) => l.lockHolderId === lockHolderId);
  }

  /** The public shape of a lock (internal fields removed). */
  view(lock: EmuLock): UnlocLock {
    const { lockHolderId: _omit, ...rest } = lock;
    void _omit;
    return rest;
  }

  keyView(key: EmuKey): UnlocKey {
    const { lockHolderId: _omit, metadata: _meta, ...rest } = key;
    void _omit;
    void _meta;
    return rest;
  }
}
