import { LockbridgeError } from '../../core/errors';
import type { DriverFactory } from '../driver';
import { SmartphoneKeyDriver } from './driver';

export { SmartphoneKeyDriver, type SmartphoneKeyDriverOptions } from './driver';
export { SmartphoneKeyClient } from './client';

/** The registry entry: one SmartphoneKeyDriver per `smartphonekey` account. */
export const smartphoneKeyDriverFactory: DriverFactory = (account, context) => {
  if (account.vendor !== 'smartphonekey')
    throw new LockbridgeError('invalid_config', `Account ${account.id} is not a SmartphoneKey account`);
  return new SmartphoneKeyDriver(account, context);
};
