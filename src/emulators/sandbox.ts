import type { KnownVendor } from '../core/model';
import type { SandboxVendor } from './kit/sandbox';
import { unlocSandbox } from './unloc';
import { smartphoneKeySandbox } from './smartphonekey';
import { seamSandbox } from './seam/sandbox';
import { AugustSandbox } from './august/sandbox';

/** Each vendor emulator's sandbox part, by vendor (see kit/sandbox.ts). */
export const sandboxVendors: Partial<Record<KnownVendor, () => SandboxVendor>> = {
  unloc: unlocSandbox,
  smartphonekey: smartphoneKeySandbox,
  seam: seamSandbox,
  august: () => new AugustSandbox(),
};
