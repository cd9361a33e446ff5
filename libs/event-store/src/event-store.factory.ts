import type { EventStore } from './event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.adapter';

export type EventStoreFactoryOptions = Omit<SqliteEventStoreOptions, 'path'>;

/**
 * Chooses the adapter from a URL: `sqlite:<path>` (the embedded default) or
 * `postgres://…` / `postgresql://…` (PostgreSQL; `?schema=name`, default public) or
 * `esdb://…` / `esdb+discover://…` / `kurrentdb://…` (EventStoreDB).
 */
export async function createEventStore(url: string, options: EventStoreFactoryOptions = {}): Promise<EventStore> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`EVENT_STORE_URL "${url}" names no file: use sqlite:<path>`);
    return new SqliteEventStore({ ...options, path });
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { PostgresEventStore } = await import('./postgres/postgres-event-store.adapter');
    return new PostgresEventStore({ connectionString: url, clock: options.clock });
  }
  if (/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//.test(url)) {
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.adapter');
    return new EventStoreDbEventStore({ connectionString: url, clock: options.clock });
  }
  throw new Error(`EVENT_STORE_URL is not supported: use sqlite:<path>, postgres://user@host:5432/db or esdb://host:port`);
}
