import type { EventStore } from './event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.adapter';

export type EventStoreFactoryOptions = Omit<SqliteEventStoreOptions, 'path'>;

/**
 * Chooses the adapter from a URL: `sqlite:<path>` (the embedded default) or
 * `esdb://…` / `esdb+discover://…` / `kurrentdb://…` (EventStoreDB).
 */
export async function createEventStore(url: string, options: EventStoreFactoryOptions = {}): Promise<EventStore> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`EVENT_STORE_URL "${url}" names no file: use sqlite:<path>`);
    return new SqliteEventStore({ ...options, path });
  }
  if (/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//.test(url)) {
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.adapter');
    return new EventStoreDbEventStore({ connectionString: url });
  }
  throw new Error(`EVENT_STORE_URL "${url}" is not supported: use sqlite:<path> or esdb://host:port`);
}
