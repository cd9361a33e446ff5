export * from './principal';
export * from './api-key';
export * from './api-key.events';
export * from './scope';
