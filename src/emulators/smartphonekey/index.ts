export { SmartphoneKeyEmulator, spkErrorShape, type SpkEmulatorOptions, type SpkDelivery } from './server';
export { SpkState, type SpkSeed, type EmuSpkLock, type SpkAccessGrant } from './state';
export { smartphoneKeySandbox, SPK_SANDBOX } from './sandbox';
