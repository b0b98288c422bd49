import type { KnownVendor } from '../core/model';
import type { DriverFactory } from './driver';
import { unlocDriverFactory } from './unloc';
import { smartphoneKeyDriverFactory } from './smartphonekey';
import { seamDriverFactory } from './seam/driver';
import { augustDriverFactory } from './august';

/**
 * The drivers Lockbridge ships, by vendor. Each vendor folder exports one factory; this table is the
 * only place that knows them all (the hub takes the table injected, so tests can add their own).
 */
export const vendorDrivers: Partial<Record<KnownVendor, DriverFactory>> = {
  unloc: unlocDriverFactory,
  smartphonekey: smartphoneKeyDriverFactory,
  seam: seamDriverFactory,
  august: augustDriverFactory,
};
