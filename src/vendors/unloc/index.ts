import { LockbridgeError } from '../../core/errors';
import type { DriverFactory } from '../driver';
import { UnlocDriver } from './driver';

export { UnlocDriver, type UnlocDriverOptions } from './driver';
export { UnlocClient } from './client';

/** The registry entry: one UnlocDriver per `unloc` account. */
export const unlocDriverFactory: DriverFactory = (account, context) => {
  if (account.vendor !== 'unloc')
    throw new LockbridgeError('invalid_config', `Account ${account.id} is not an Unloc account`);
  return new UnlocDriver(account, context);
};
