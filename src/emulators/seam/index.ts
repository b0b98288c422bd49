export * from './server';
export * from './state';
export * from './seed';
export * from './constraints';
export * from './webhooks';
export * from './sandbox';
export { SEAM_ERROR_TYPES } from './errors';
