export * from './read-model-store.port';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './read-model-input';
export { SqliteReadModelStore, SqliteReadModelStoreOptions, READ_MODEL_SCHEMA_VERSION } from './sqlite-read-model-store.adapter';
export { MongoReadModelStore, MongoReadModelStoreOptions } from './mongo-read-model-store.adapter';
export * from './read-model-store.factory';
export * from './projection';
export * from './projection-runner';
