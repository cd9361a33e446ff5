import { ConfigError, storeLocations } from '@1tt/config';
import { createEventStore, type EventStore } from '@1tt/event-store';
import { CliUsageError } from './cli-context';

/** The stores as the service is configured (DATA_DIR, EVENT_STORE_URL, BLOB_STORE_URL and their defaults, from @1tt/config). */
export function configuredStores(env: NodeJS.ProcessEnv): ReturnType<typeof storeLocations> {
  try {
    return storeLocations(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliUsageError(e.message);
    throw e;
  }
}

/** The event store URL the service would open. */
export function eventStoreUrl(env: NodeJS.ProcessEnv): string {
  return configuredStores(env).eventStore.url;
}

/** Opens the event store the service is configured with. */
export async function openConfiguredEventStore(env: NodeJS.ProcessEnv): Promise<EventStore> {
  return createEventStore(eventStoreUrl(env));
}
