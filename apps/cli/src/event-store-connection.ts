import { resolve } from 'node:path';
import * as eventStoreLib from '@1tt/event-store';
import type { EventStore } from '@1tt/event-store';
import { CliUsageError } from './cli-context';

/** The store URL with the service's defaults: EVENT_STORE_URL, else sqlite:<DATA_DIR>/events.db, DATA_DIR defaulting to ./data. */
export function eventStoreUrl(env: NodeJS.ProcessEnv): string {
  if (env.EVENT_STORE_URL) return env.EVENT_STORE_URL;
  return `sqlite:${resolve(env.DATA_DIR || './data', 'events.db')}`;
}

type CreateEventStore = (url: string) => Promise<EventStore>;

/** Opens the store the service is configured with (only `audit export` needs one). */
export async function openConfiguredEventStore(env: NodeJS.ProcessEnv): Promise<EventStore> {
  const create = (eventStoreLib as Record<string, unknown>).createEventStore as CreateEventStore | undefined;
  if (typeof create !== 'function') throw new Error('this build of @1tt/event-store has no createEventStore: cannot open a store');
  const url = eventStoreUrl(env);
  if (!/^(sqlite|esdb|esdb\+discover):/.test(url))
    throw new CliUsageError(`EVENT_STORE_URL must start with sqlite: or esdb://, got "${url}"`);
  return create(url);
}
