export * from './errors';
export * from './model';
export * from './events';
export * from './lock-source';
export * from './logger';
export * from './redact';
export * from './storage';
export * from './clock';
