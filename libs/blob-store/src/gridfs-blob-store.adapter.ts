import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Db, GridFSBucket, MongoClient, MongoServerError, ObjectId } from 'mongodb';
import { blobRefOf, sha256OfRef } from './blob-ref';
import { BlobInfo, BlobRef, BlobStore, BlobStoreHealth, PutOptions, PutResult } from './blob-store.port';
import { notFound, tooLarge } from './local-blob-store.adapter';

export interface GridFsBlobStoreOptions {
  db: Db;
  /** GridFS bucket name (collections `<bucket>.files` / `<bucket>.chunks`). Default `blobs`. */
  bucketName?: string;
  /** Closed by close() when given (the store owns the connection). */
  client?: MongoClient;
}

/**
 * Blobs in MongoDB GridFS, one file per blob, filename = sha256 hex. An
 * upload is written under a unique temporary name while hashing, then
 * renamed to its hash; a unique index on filename makes two concurrent
 * uploads of the same bytes collapse into one (the loser deletes its copy).
 * GridFS writes are acknowledged with the connection's write concern: use
 * `w=majority&journal=true` in the URL for durability across failover.
 */
export class GridFsBlobStore extends BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly files;

  private constructor(private readonly options: GridFsBlobStoreOptions) {
    super();
    const bucketName = options.bucketName ?? 'blobs';
    this.bucket = new GridFSBucket(options.db, { bucketName, chunkSizeBytes: 255 * 1024 });
    this.files = options.db.collection<{ _id: ObjectId; filename: string; length: number }>(`${bucketName}.files`);
  }

  static async open(options: GridFsBlobStoreOptions): Promise<GridFsBlobStore> {
    const store = new GridFsBlobStore(options);
    await store.files.createIndex({ filename: 1 }, { unique: true, name: 'blob_sha256_unique' });
    return store;
  }

  override async putStream(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const upload = this.bucket.openUploadStream(`tmp-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        size += bytes.byteLength;
        if (size > maxBytes) throw tooLarge(maxBytes);
        hash.update(bytes);
        if (!upload.write(bytes))
          await new Promise<void>((resolve, reject) => {
            upload.once('drain', resolve);
            upload.once('error', reject);
          });
      }
      await new Promise<void>((resolve, reject) => {
        upload.once('error', reject);
        upload.end(() => resolve());
      });
    } catch (e) {
      await upload.abort().catch(() => undefined);
      throw e;
    }
    const sha256 = hash.digest('hex');
    const info = { ref: blobRefOf(sha256), sha256, sizeBytes: size };
    if (await this.findId(sha256)) {
      await this.bucket.delete(upload.id);
      return { ...info, created: false };
    }
    try {
      await this.bucket.rename(upload.id, sha256);
      return { ...info, created: true };
    } catch (e) {
      if (e instanceof MongoServerError && e.code === 11000) {
        await this.bucket.delete(upload.id);
        return { ...info, created: false };
      }
      throw e;
    }
  }

  override async putBuffer(data: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    return this.putStream(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), options);
  }

  override async getStream(ref: BlobRef): Promise<Readable> {
    const id = await this.findId(sha256OfRef(ref));
    if (!id) throw notFound(ref);
    return this.bucket.openDownloadStream(id);
  }

  override async exists(ref: BlobRef): Promise<boolean> {
    return (await this.findId(sha256OfRef(ref))) !== undefined;
  }

  override async stat(ref: BlobRef): Promise<BlobInfo> {
    const sha256 = sha256OfRef(ref);
    const doc = await this.files.findOne({ filename: sha256 }, { projection: { length: 1 } });
    if (!doc) throw notFound(ref);
    return { ref: blobRefOf(sha256), sha256, sizeBytes: Number(doc.length) };
  }

  override async verify(ref: BlobRef): Promise<boolean> {
    const hash = createHash('sha256');
    for await (const chunk of await this.getStream(ref)) hash.update(chunk as Buffer);
    return hash.digest('hex') === sha256OfRef(ref);
  }

  override async localPath(_ref: BlobRef): Promise<string | undefined> {
    return undefined;
  }

  override async health(): Promise<BlobStoreHealth> {
    try {
      await this.options.db.command({ ping: 1 });
      return { ok: true, kind: 'gridfs', detail: this.options.db.databaseName };
    } catch (e) {
      return { ok: false, kind: 'gridfs', detail: (e as Error).message };
    }
  }

  override async close(): Promise<void> {
    await this.options.client?.close();
  }

  private async findId(sha256: string): Promise<ObjectId | undefined> {
    const doc = await this.files.findOne({ filename: sha256 }, { projection: { _id: 1 } });
    return doc?._id;
  }
}
