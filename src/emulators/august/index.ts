export { AugustEmulator, EMULATOR_API_KEY, type AugustEmulatorOptions } from './server';
export { AugustSandbox } from './sandbox';
export { DEMO_ACCOUNT, DEMO_TWO_FACTOR, seedDemoHousehold, type DemoHousehold } from './seed';
export type { EmuLock, EmuUser, LockSeed, UserSeed } from './state';
