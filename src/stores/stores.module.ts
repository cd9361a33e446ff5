import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { AppConfig } from '@1tt/config';
import { BlobStore, createBlobStore } from '@1tt/blob-store';
import { EventStore, createEventStore } from '@1tt/event-store';
import { ReadModelStore, createReadModelStore } from '@1tt/read-models';
import { APP_CONFIG } from '../config/app-config.token';
import { ProjectionRegistry } from './projection-registry';
import { StoreRegistry } from './store-registry';

/**
 * Opens the stores chosen by configuration and provides them under their
 * port classes (EventStore, ReadModelStore, BlobStore): inject the port, never
 * an adapter. Each store registers itself for /health and for closing at
 * shutdown. A test may hand in already-open stores through `overrides`.
 * The ProjectionRegistry creates and lists every projection runner of the
 * process (for /health).
 */
export interface StoreOverrides {
  eventStore?: EventStore;
  readModels?: ReadModelStore;
  blobs?: BlobStore;
}

@Global()
@Module({})
export class StoresModule {
  static forRoot(config: AppConfig, overrides: StoreOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      {
        provide: StoreRegistry,
        useFactory: () => {
          const registry = new StoreRegistry();
          // The embedded stores fail on a full disk only when they next write; /health says so before that.
          registry.register({ name: 'dataDir', health: async () => dataDirHealth(config.dataDir), close: async () => undefined });
          return registry;
        },
      },
      ProjectionRegistry,
      {
        provide: EventStore,
        inject: [StoreRegistry],
        useFactory: async (registry: StoreRegistry) => {
          if (config.eventStore.kind === 'sqlite') ensureDir(path.dirname(config.eventStore.path));
          const store = overrides.eventStore ?? (await createEventStore(config.eventStore.url));
          registry.register({ name: 'eventStore', health: () => store.health(), close: () => store.close() });
          return store;
        },
      },
      {
        provide: ReadModelStore,
        inject: [StoreRegistry],
        useFactory: async (registry: StoreRegistry) => {
          if (config.readModels.kind === 'sqlite') ensureDir(path.dirname(config.readModels.path));
          const store = overrides.readModels ?? (await createReadModelStore(config.readModels.url));
          registry.register({ name: 'readModels', health: () => store.health(), close: () => store.close() });
          return store;
        },
      },
      {
        provide: BlobStore,
        inject: [StoreRegistry],
        useFactory: async (registry: StoreRegistry) => {
          if (config.blobStore.kind === 'file') ensureDir(config.blobStore.dir);
          const store = overrides.blobs ?? (await createBlobStore(config.blobStore.url));
          registry.register({ name: 'blobs', health: () => store.health(), close: () => store.close() });
          return store;
        },
      },
    ];
    return {
      module: StoresModule,
      providers,
      exports: [APP_CONFIG, StoreRegistry, ProjectionRegistry, EventStore, ReadModelStore, BlobStore],
    };
  }
}

function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

/** Below this much free space under DATA_DIR the service reports itself unhealthy (writes would soon fail). */
export const DATA_DIR_MIN_FREE_BYTES = 1024 * 1024;

function dataDirHealth(dataDir: string): { ok: boolean; kind: string; detail: string } {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const s = fs.statfsSync(dataDir);
    const free = s.bavail * s.bsize;
    const ok = free >= DATA_DIR_MIN_FREE_BYTES;
    return { ok, kind: 'disk', detail: ok ? `${free} bytes free` : `only ${free} bytes free under DATA_DIR; free some space` };
  } catch (e) {
    return { ok: false, kind: 'disk', detail: `DATA_DIR not usable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}
