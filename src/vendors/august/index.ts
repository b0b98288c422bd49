import type { DriverFactory } from '../driver';
import { createAugustDriver } from './driver';

export { AugustDriver, createAugustDriver, DEFAULT_TUNING, type AugustTuning } from './driver';
export { AugustClient } from './client';
export { BRANDS } from './brands';
export { AUGUST_PATHS } from './paths';

/** The registry's factory: production defaults. */
export const augustDriverFactory: DriverFactory = (account, context) => createAugustDriver(account, context);
