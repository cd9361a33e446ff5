export * from './blob-store.port';
export * from './blob-ref';
export { LocalBlobStore, LocalBlobStoreOptions } from './local-blob-store.adapter';
export { GridFsBlobStore, GridFsBlobStoreOptions } from './gridfs-blob-store.adapter';
export * from './blob-store.factory';
