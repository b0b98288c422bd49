export * from './client';
export * from './budget';
export * from './retry';
