import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { GridFsBlobStore, mongoDbName } from '@1tt/blob-store';
import { blobStoreContract } from './blob-store.contract';

const url = process.env.MONGODB_URL;

(url ? describe : describe.skip)(url ? 'GridFS blob store' : 'GridFS blob store (skipped: no server; set MONGODB_URL)', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(url!);
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
  });

  blobStoreContract('MongoDB GridFS', async () => {
    // A fresh bucket per test keeps tests independent on a shared server.
    const bucketName = `blobs_test_${randomUUID().replace(/-/g, '')}`;
    const db = client.db(mongoDbName(url!));
    const store = await GridFsBlobStore.open({ db, bucketName });
    return {
      store,
      dispose: async () => {
        await db
          .collection(`${bucketName}.files`)
          .drop()
          .catch(() => undefined);
        await db
          .collection(`${bucketName}.chunks`)
          .drop()
          .catch(() => undefined);
      },
    };
  });
});
