import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { ValidationError } from '@1tt/domain-errors';
import { MongoReadModelStore } from './mongo-read-model-store.adapter';
import { ReadModelStore } from './read-model-store.port';
import { SqliteReadModelStore } from './sqlite-read-model-store.adapter';

export const DEFAULT_READ_MODEL_URL = 'sqlite:./data/read-models.db';

/**
 * Picks the adapter from one configuration string (READ_MODEL_URL):
 *  - `sqlite:<path>`, `sqlite:///abs/path`, `sqlite::memory:` or a plain path: embedded SQLite;
 *  - `mongodb://…` / `mongodb+srv://…`: MongoDB; the database is the URL's
 *    path (default `1tt`), collections prefixed `rm_`.
 */
export async function createReadModelStore(url: string | undefined = DEFAULT_READ_MODEL_URL): Promise<ReadModelStore> {
  const spec = url.trim() || DEFAULT_READ_MODEL_URL;
  if (/^mongodb(\+srv)?:\/\//i.test(spec)) {
    const client = new MongoClient(spec);
    await client.connect();
    try {
      return await MongoReadModelStore.open({ db: client.db(mongoDatabaseName(spec)), client });
    } catch (e) {
      await client.close();
      throw e;
    }
  }
  if (/^sqlite:\/\//i.test(spec)) return SqliteReadModelStore.open({ path: fileURLToPath(spec.replace(/^sqlite:/i, 'file:')) });
  if (/^sqlite:/i.test(spec)) return SqliteReadModelStore.open({ path: spec.slice('sqlite:'.length) });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new ValidationError(
      'unsupported-read-model-url',
      `Unsupported read-model store URL scheme ${JSON.stringify(spec.split('://')[0])}`,
      {
        field: 'READ_MODEL_URL',
        hint: 'Use sqlite:<path> or mongodb://host/db.',
      },
    );
  }
  return SqliteReadModelStore.open({ path: spec });
}

/** Database named by the path of a MongoDB URL, default `1tt`. */
export function mongoDatabaseName(url: string): string {
  const afterHosts = url.replace(/^mongodb(\+srv)?:\/\/[^/]*/i, '');
  return decodeURIComponent(afterHosts.replace(/^\//, '').split('?')[0] ?? '') || '1tt';
}
