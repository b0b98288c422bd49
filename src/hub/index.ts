export * from './hub';
export * from './code-service';
export * from './command-queue';
