import { LockbridgeError } from '../../core/errors';
import { sleep } from '../../core/clock';
import type { AccessCode, AccessCodeInput } from '../../core/model';
import type { CodeDriver } from '../driver';
import type { AugustClient } from './client';
import { findPin, mapPin, mapPinsByState, scheduleToPinFields, splitName } from './mapping';
import type { AugustPinCommand, AugustPinsByState } from './types';

export interface CodesDeps {
  client: AugustClient;
  authed<T>(fn: () => Promise<T>): Promise<T>;
  pinPollMs: number;
  pinWaitMs: number;
}

const SETTLED = new Set(['loaded', 'disabled']);

/**
 * Keypad PINs as access codes. A code's id is its user's id (one PIN per user per lock). Changing the
 * digits of a PIN is delete, wait until it is gone, then load (the vendor's rule); other changes are
 * an update command. Commands are answered at once and the PIN settles on the lock later: the codes
 * returned here are `pending` until a later list shows them `set`.
 */
export class AugustCodes implements CodeDriver {
  constructor(private readonly deps: CodesDeps) {}

  private pins(lockId: string): Promise<AugustPinsByState> {
    return this.deps.authed(() => this.deps.client.getPins(lockId));
  }

  private send(lockId: string, commands: AugustPinCommand[]): Promise<unknown> {
    return this.deps.authed(() => this.deps.client.managePins(lockId, commands));
  }

  async list(vendorLockId: string): Promise<AccessCode[]> {
    return mapPinsByState(await this.pins(vendorLockId), vendorLockId);
  }

  async create(vendorLockId: string, input: AccessCodeInput & { code: string }): Promise<AccessCode> {
    const schedule = input.schedule ?? { kind: 'always' };
    const fields = scheduleToPinFields(schedule);
    const names = splitName(input.name);
    let userId = input.userId;
    if (!userId) {
      // A PIN belongs to a user: one without an account holds it.
      const created = await this.deps.authed(() =>
        this.deps.client.createUnverifiedUser({ ...names, lockID: vendorLockId }),
      );
      userId = created.id;
    }
    await this.send(vendorLockId, [
      { action: 'load', pin: input.code, ...fields, augustUserID: userId, ...names },
    ]);
    return {
      id: userId,
      lockId: vendorLockId,
      name: input.name,
      code: input.code,
      schedule,
      status: 'pending',
      userId,
    };
  }

  async update(vendorLockId: string, codeId: string, input: Partial<AccessCodeInput>): Promise<AccessCode> {
    const { pin, state } = await this.settled(vendorLockId, codeId);
    const current = mapPin(pin, vendorLockId, state);
    const schedule = input.schedule ?? current.schedule;
    const fields = scheduleToPinFields(schedule);
    const names = input.name
      ? splitName(input.name)
      : { firstName: pin.firstName ?? '', lastName: pin.lastName ?? '' };
    const name = input.name ?? current.name;
    if (input.code !== undefined && input.code !== current.code) {
      await this.send(vendorLockId, [{ action: 'delete', augustUserID: codeId }]);
      await this.waitFor(vendorLockId, (groups) => findPin(groups, codeId) === undefined);
      await this.send(vendorLockId, [
        { action: 'load', pin: input.code, ...fields, augustUserID: codeId, ...names },
      ]);
      return { ...current, name, code: input.code, schedule, status: 'pending' };
    }
    await this.send(vendorLockId, [{ action: 'update', augustUserID: codeId, ...fields, ...names }]);
    return { ...current, name, schedule, status: 'pending' };
  }

  async delete(vendorLockId: string, codeId: string): Promise<void> {
    await this.settled(vendorLockId, codeId);
    await this.send(vendorLockId, [{ action: 'delete', augustUserID: codeId }]);
  }

  /** August reserves a free PIN and slot for a few minutes; loading that PIN uses the reservation. */
  async generate(vendorLockId: string): Promise<string> {
    const reservation = await this.deps.authed(() => this.deps.client.reservePin(vendorLockId));
    return reservation.pin;
  }

  /** The PIN once it is no longer moving between states (a change mid-move is refused upstream). */
  private async settled(lockId: string, codeId: string) {
    let found: ReturnType<typeof findPin>;
    await this.waitFor(lockId, (groups) => {
      found = findPin(groups, codeId);
      return found === undefined || SETTLED.has(found.state);
    });
    if (!found)
      throw new LockbridgeError('not_found', 'No PIN for this code on the lock', { vendor: 'august' });
    return found;
  }

  private async waitFor(lockId: string, done: (groups: AugustPinsByState) => boolean): Promise<void> {
    const deadline = Date.now() + this.deps.pinWaitMs;
    for (;;) {
      if (done(await this.pins(lockId))) return;
      if (Date.now() >= deadline)
        throw new LockbridgeError('timeout', 'The PIN is still changing on the lock; try again shortly', {
          vendor: 'august',
          retryable: true,
        });
      await sleep(this.deps.pinPollMs);
    }
  }
}
