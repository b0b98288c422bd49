export * from './types';
export * from './paths';
export * from './errors';
export * from './client';
export * from './mapping';
export * from './svix';
export * from './mobile-keys';
export { SeamDriver, createSeamDriver, seamDriverFactory, type SeamDriverTuning } from './driver';
