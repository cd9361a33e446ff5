import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { ValidationError } from '@1tt/domain-errors';
import type { BlobStore } from './blob-store.port';
import { GridFsBlobStore } from './gridfs-blob-store.adapter';
import { LocalBlobStore } from './local-blob-store.adapter';

export const DEFAULT_BLOB_DIR = './data/blobs';

/**
 * Picks the adapter from one configuration string:
 *  - `mongodb://…` / `mongodb+srv://…`: GridFS; the database is the URL's
 *    path (`mongodb://host/mydb`), default `1tt`; bucket `blobs`.
 *  - `file:<dir>`, `file:///abs/dir` or a plain path: the local directory.
 *  - empty/undefined: ./data/blobs.
 */
export async function createBlobStore(url: string | undefined = DEFAULT_BLOB_DIR): Promise<BlobStore> {
  const spec = url.trim() || DEFAULT_BLOB_DIR;
  if (/^mongodb(\+srv)?:\/\//i.test(spec)) {
    const dbName = mongoDbName(spec);
    const client = new MongoClient(spec);
    await client.connect();
    try {
      return await GridFsBlobStore.open({ db: client.db(dbName), client });
    } catch (e) {
      await client.close();
      throw e;
    }
  }
  if (/^file:/i.test(spec)) return LocalBlobStore.open({ dir: filePath(spec) });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new ValidationError(
      'unsupported-blob-store-url',
      `Unsupported blob store URL scheme in ${JSON.stringify(spec.split('://')[0])}`,
      {
        field: 'BLOB_STORE_URL',
        hint: 'Use a directory path, file:<dir>, or mongodb://host/db.',
      },
    );
  }
  return LocalBlobStore.open({ dir: spec });
}

/** Database named by the path of a MongoDB URL, default `1tt`. */
export function mongoDbName(url: string): string {
  const afterHosts = url.replace(/^mongodb(\+srv)?:\/\/[^/]*/i, '');
  const name = decodeURIComponent(afterHosts.replace(/^\//, '').split('?')[0] ?? '');
  return name || '1tt';
}

function filePath(spec: string): string {
  if (/^file:\/\//i.test(spec)) return fileURLToPath(spec);
  return path.resolve(spec.slice('file:'.length));
}
