import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { CommandStartedEvent, Db, GridFSBucket, GridFSBucketWriteStream, MongoClient, MongoServerError } from 'mongodb';
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

  describe('GridFS specifics', () => {
    const bucketName = () => `blobs_test_${randomUUID().replace(/-/g, '')}`;
    const dropBucket = async (db: Db, bucket: string) => {
      for (const suffix of ['files', 'chunks', 'uploads']) {
        await db
          .collection(`${bucket}.${suffix}`)
          .drop()
          .catch(() => undefined);
      }
    };
    async function* megabytes(n: number, chunk = 64 * 1024): AsyncGenerator<Buffer> {
      for (let i = 0; i < (n * 1024 * 1024) / chunk; i++) yield Buffer.alloc(chunk, i % 251);
    }

    it('writes chunks, file documents and renames with a journaled majority write concern (G1)', async () => {
      const watched = new MongoClient(url!, { monitorCommands: true });
      await watched.connect();
      const commands: CommandStartedEvent[] = [];
      watched.on('commandStarted', (e) => commands.push(e));
      const db = watched.db(mongoDbName(url!));
      const bucket = bucketName();
      try {
        const store = await GridFsBlobStore.open({ db, bucketName: bucket });
        await store.putStream(Readable.from(megabytes(1)));
        await store.putBuffer('a small blob');
        await store.putBuffer('a small blob');
        const writes = commands.filter((c) => ['insert', 'update', 'delete'].includes(c.commandName));
        expect(writes.map((c) => String(c.command[c.commandName]))).toEqual(
          expect.arrayContaining([`${bucket}.chunks`, `${bucket}.files`, `${bucket}.uploads`]),
        );
        for (const c of writes) {
          expect([c.commandName, String(c.command[c.commandName]), c.command.writeConcern]).toEqual([
            c.commandName,
            String(c.command[c.commandName]),
            { w: 'majority', j: true },
          ]);
        }
      } finally {
        await dropBucket(db, bucket);
        await watched.close();
      }
    });

    it('rejects with the error of the final write in end() and leaves no chunks (G2)', async () => {
      const db = client.db(mongoDbName(url!));
      const bucket = bucketName();
      try {
        const store = await GridFsBlobStore.open({ db, bucketName: bucket });
        // A unique index on length makes the file document of a second blob of the same size fail,
        // which only the last step of the upload (end(): remaining chunk, then file document) writes.
        await db.collection(`${bucket}.files`).createIndex({ length: 1 }, { unique: true });
        await store.putBuffer('first blob, 25 bytes long');
        const err = await store.putBuffer('other blob, 25 bytes long').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MongoServerError);
        expect((err as MongoServerError).code).toBe(11000);
        const files = await db.collection(`${bucket}.files`).find().toArray();
        expect(files.map((f) => f.filename)).toHaveLength(1);
        expect(await db.collection(`${bucket}.chunks`).countDocuments({ files_id: { $ne: files[0]._id } })).toBe(0);
        expect(await db.collection(`${bucket}.uploads`).countDocuments()).toBe(0);
      } finally {
        await dropBucket(db, bucket);
      }
    });

    it('streams many chunks without piling up listeners on the upload stream (G3)', async () => {
      const db = client.db(mongoDbName(url!));
      const bucket = bucketName();
      const streams: GridFSBucketWriteStream[] = [];
      const spies = (['openUploadStream', 'openUploadStreamWithId'] as const).map((method) => {
        const original = GridFSBucket.prototype[method] as (...args: unknown[]) => GridFSBucketWriteStream;
        return jest.spyOn(GridFSBucket.prototype, method).mockImplementation(function (this: GridFSBucket, ...args: unknown[]) {
          const stream = original.apply(this, args);
          streams.push(stream);
          return stream;
        } as never);
      });
      try {
        const store = await GridFsBlobStore.open({ db, bucketName: bucket });
        // 4 MiB in 64 KiB pieces: each write is over the stream's 16 KiB high-water mark and waits for 'drain'.
        const put = await store.putStream(Readable.from(megabytes(4, 64 * 1024)));
        expect(put.sizeBytes).toBe(4 * 1024 * 1024);
        await store.putBuffer('one write');
        expect(streams).toHaveLength(2);
        // As many as an upload of one write leaves (the pipeline's own), not one more per write.
        expect(streams[0].listenerCount('error')).toBe(streams[1].listenerCount('error'));
        expect(streams[0].listenerCount('drain')).toBe(streams[1].listenerCount('drain'));
      } finally {
        spies.forEach((s) => s.mockRestore());
        await dropBucket(db, bucket);
      }
    });

    it('deletes the chunks of an upload whose process died, when the store is next opened (G4)', async () => {
      const bucket = bucketName();
      const dying = new MongoClient(url!);
      await dying.connect();
      let release!: () => void;
      const never = new Promise<void>((r) => (release = r));
      async function* stalled(): AsyncGenerator<Buffer> {
        yield* megabytes(2);
        await never;
      }
      const db = client.db(mongoDbName(url!));
      let pending: Promise<unknown> | undefined;
      try {
        const store = await GridFsBlobStore.open({ db: dying.db(mongoDbName(url!)), bucketName: bucket });
        pending = store.putStream(Readable.from(stalled())).catch((e: unknown) => e);
        const chunks = db.collection(`${bucket}.chunks`);
        for (let i = 0; i < 200 && (await chunks.countDocuments()) < 8; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await chunks.countDocuments()).toBeGreaterThanOrEqual(8);
        // The process dies: its connection is gone, nothing it planned to clean up happens.
        await dying.close(true);
        const left = await chunks.countDocuments();
        expect(left).toBeGreaterThanOrEqual(8);
        // A young upload may be one in progress elsewhere: kept.
        await GridFsBlobStore.open({ db, bucketName: bucket });
        expect(await chunks.countDocuments()).toBe(left);
        const next = await GridFsBlobStore.open({ db, bucketName: bucket, orphanAgeMs: 0 });
        expect(await chunks.countDocuments()).toBe(0);
        expect(await db.collection(`${bucket}.files`).countDocuments()).toBe(0);
        expect(await db.collection(`${bucket}.uploads`).countDocuments()).toBe(0);
        const put = await next.putBuffer('after the clean-up');
        expect(await next.exists(put.ref)).toBe(true);
      } finally {
        release();
        await pending;
        await dying.close(true).catch(() => undefined);
        await dropBucket(db, bucket);
      }
    });
  });
});
