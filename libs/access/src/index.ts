export * from './principal';
export * from './api-key';
export * from './api-key.events';
export * from './scope';
export * from './api-key.decider';
export * from './webhook.events';
export * from './webhook.decider';
