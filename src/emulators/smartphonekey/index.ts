export {
  SmartphoneKeyEmulator,
  spkErrorShape,
  type SpkEmulatorOptions,
  type SpkDelivery,
  type SpkWebhookSigning,
} from './server';
export { SPK_ROUTES, MATTER, type EventBridgeEnvelope } from './api';
export { SpkState, type SpkSeed, type EmuSpkLock, type SpkAccessGrant } from './state';
export { smartphoneKeySandbox, SPK_SANDBOX } from './sandbox';
