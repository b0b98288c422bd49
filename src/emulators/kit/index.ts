export * from './server';
export * from './faults';
export * from './tokens';
export * from './sandbox';
