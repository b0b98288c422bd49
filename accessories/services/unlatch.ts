import type { LockHandle, PlatformAccessory } from '../hap-types';
import { MomentaryOpenService } from './momentary-open';

export const UNLATCH_SUBTYPE = 'unlatch';

/**
 * "<lock> Unlatch": beside the lock of a lock that can both unlock and open (pull the latch, door
 * opens), a second, momentary LockMechanism that sends OPEN.
 */
export class UnlatchService extends MomentaryOpenService {
  constructor(handle: LockHandle, accessory: PlatformAccessory, name: string) {
    super(handle, accessory, name, { subtype: UNLATCH_SUBTYPE, verb: 'unlatch' });
  }
}
