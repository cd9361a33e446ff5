import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createReadModelStore, MongoReadModelStore, mongoDatabaseName } from '@1tt/read-models';
import { readModelStoreContract } from './read-model-store.contract';

const url = process.env.MONGODB_URL;
// FerretDB v1 sorts in memory (no sort pushdown): the paginating tests take about a minute there.
jest.setTimeout(180_000);
/**
 * `auto` commits in a transaction where the server has them (replica set,
 * mongos) and without one elsewhere (standalone MongoDB, FerretDB v1);
 * against a replica set the transaction-less path is run as well.
 */
const variants: ('auto' | false)[] = url && /[?&]replicaSet=/i.test(url) ? ['auto', false] : ['auto'];

(url ? describe : describe.skip)(
  url ? 'MongoDB read-model store' : 'MongoDB read-model store (skipped: no server; set MONGODB_URL)',
  () => {
    let client: MongoClient;
    beforeAll(async () => {
      client = new MongoClient(url!);
      await client.connect();
    });
    afterAll(async () => {
      await client?.close();
    });

    for (const transactions of variants) {
      readModelStoreContract(`MongoDB (transactions: ${String(transactions)})`, async () => {
        // A fresh prefix per test keeps tests independent on a shared server.
        const prefix = `rmtest_${randomUUID().replace(/-/g, '').slice(0, 12)}_`;
        const db = client.db(mongoDatabaseName(url!));
        const store = await MongoReadModelStore.open({ db, prefix, transactions });
        return {
          store,
          dispose: async () => {
            for (const c of await db.listCollections({ name: { $regex: `^${prefix}` } }, { nameOnly: true }).toArray()) {
              await db
                .collection(c.name)
                .drop()
                .catch(() => undefined);
            }
          },
        };
      });
    }

    it('createReadModelStore opens the MongoDB adapter for a mongodb:// URL', async () => {
      const store = await createReadModelStore(url!);
      try {
        expect(store).toBeInstanceOf(MongoReadModelStore);
      } finally {
        await store.close();
      }
    });

    it('a second store on the same collections (another process starting) opens, indexes and writes', async () => {
      const prefix = `rmtest_${randomUUID().replace(/-/g, '').slice(0, 12)}_`;
      const db = client.db(mongoDatabaseName(url!));
      try {
        const first = await MongoReadModelStore.open({ db, prefix });
        await first.ensureCollection('things', { indexes: ['n'] });
        await first.transact('p', (tx) => tx.put('things', 'a', { n: 1 }, 1));
        const second = await MongoReadModelStore.open({ db, prefix });
        await second.ensureCollection('things', { indexes: ['n'] });
        await second.transact('p', (tx) => tx.put('things', 'b', { n: 2 }, 2));
        expect((await first.find('things', { orderBy: 'n' })).items.map((i) => i.id)).toEqual(['a', 'b']);
      } finally {
        for (const c of await db.listCollections({ name: { $regex: `^${prefix}` } }, { nameOnly: true }).toArray()) {
          await db
            .collection(c.name)
            .drop()
            .catch(() => undefined);
        }
      }
    });
  },
);
