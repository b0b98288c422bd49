export { UnlocEmulator, unlocErrorShape, type UnlocEmulatorOptions, type WebhookDelivery } from './server';
export { UnlocState, type UnlocSeed, type EmuIntegrator, type EmuLock, type EmuKey } from './state';
export { unlocSandbox, UNLOC_SANDBOX } from './sandbox';
