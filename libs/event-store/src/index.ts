export * from './event-store.port';
export * from './event-store.errors';
export * from './hash-chain';
export { sealEvent, toJsonValue, uuidV7 } from './new-event';
export * from './sqlite/sqlite-event-store.adapter';
export * from './event-store.factory';
export * from './eventstoredb/eventstoredb-event-store.adapter';
export * from './gapped/gapped-event-store';
