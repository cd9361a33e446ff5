import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Collection, Db, GridFSBucket, MongoClient, ObjectId, WriteConcernSettings } from 'mongodb';
import { blobRefOf, sha256OfRef } from './blob-ref';
import { BlobInfo, BlobRef, BlobStore, BlobStoreHealth, ByteRange, PutOptions, PutResult, StagedBlob } from './blob-store.port';
import { notFound, tooLarge } from './local-blob-store.adapter';

export interface GridFsBlobStoreOptions {
  db: Db;
  /** GridFS bucket name (collections `<bucket>.files` / `<bucket>.chunks` / `<bucket>.uploads`). Default `blobs`. */
  bucketName?: string;
  /** Closed by close() when given (the store owns the connection). */
  client?: MongoClient;
  /**
   * Write concern of every write (chunks, file documents, renames, clean-up).
   * Default `{ w: 'majority', journal: true }`: a blob is acknowledged once it
   * is in the journal of a majority, whatever the connection's defaults.
   */
  writeConcern?: WriteConcernSettings;
  /**
   * Uploads started longer ago than this and never finished (their process
   * died) are deleted at open: chunks, file document and upload record.
   * Default 24 hours (longer than any upload can take).
   */
  orphanAgeMs?: number;
}

/** An upload in progress: chunks under files_id = _id are being written. */
interface UploadDoc {
  _id: ObjectId;
  startedAt: Date;
}

const DEFAULT_WRITE_CONCERN: WriteConcernSettings = { w: 'majority', journal: true };

/**
 * Blobs in MongoDB GridFS, one file per blob, filename = sha256 hex. An
 * upload is written under a unique temporary name while hashing, then
 * renamed to its hash; a unique index on filename makes two concurrent
 * uploads of the same bytes collapse into one (the loser deletes its copy).
 *
 * Durability: every write uses the store's write concern (journaled, majority
 * by default), so an acknowledged blob survives a crash or fail-over.
 *
 * Crashes: before its first chunk an upload is recorded in `<bucket>.uploads`
 * (journaled) and the record is removed once the blob is renamed or its
 * chunks deleted. A process that dies mid-upload leaves the record; the next
 * open deletes the chunks and file document of records older than
 * `orphanAgeMs`, so orphan chunks do not accumulate.
 */
export class GridFsBlobStore extends BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<{ _id: ObjectId; filename: string; length: number }>;
  private readonly chunks: Collection<{ files_id: ObjectId }>;
  private readonly uploads: Collection<UploadDoc>;

  private constructor(private readonly options: GridFsBlobStoreOptions) {
    super();
    const bucketName = options.bucketName ?? 'blobs';
    const writeConcern = options.writeConcern ?? DEFAULT_WRITE_CONCERN;
    this.bucket = new GridFSBucket(options.db, { bucketName, chunkSizeBytes: 255 * 1024, writeConcern });
    this.files = options.db.collection(`${bucketName}.files`, { writeConcern });
    this.chunks = options.db.collection(`${bucketName}.chunks`, { writeConcern });
    this.uploads = options.db.collection(`${bucketName}.uploads`, { writeConcern });
  }

  static async open(options: GridFsBlobStoreOptions): Promise<GridFsBlobStore> {
    const store = new GridFsBlobStore(options);
    await store.files.createIndex({ filename: 1 }, { unique: true, name: 'blob_sha256_unique' });
    await store.removeOrphans(options.orphanAgeMs ?? 24 * 3_600_000);
    return store;
  }

  /** Deletes what uploads that started before `olderThanMs` ago and never finished left behind. Returns how many. */
  async removeOrphans(olderThanMs: number): Promise<number> {
    const stale = await this.uploads.find({ startedAt: { $lt: new Date(Date.now() - olderThanMs) } }).toArray();
    for (const u of stale) await this.discard(u._id);
    return stale.length;
  }

  override async putStream(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    return (await this.stageStream(source, options)).commit();
  }

  override async stageStream(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StagedBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const id = new ObjectId();
    await this.uploads.insertOne({ _id: id, startedAt: new Date() });
    const upload = this.bucket.openUploadStreamWithId(id, `tmp-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer | string, _encoding, done) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > maxBytes) return done(tooLarge(maxBytes));
        hash.update(bytes);
        done(null, bytes);
      },
    });
    try {
      // pipeline: back-pressure, no listener left behind, every error (the source's, a chunk
      // insert's, the final file document's in end()) rejects, and the source is destroyed.
      await pipeline(source, measure, upload);
    } catch (e) {
      // The stream is dead: a late 'Stream has been aborted' from a pending write means nothing now.
      upload.on('error', () => undefined);
      await this.discard(id).catch(() => undefined);
      throw e;
    }
    const sha256 = hash.digest('hex');
    const info = { ref: blobRefOf(sha256), sha256, sizeBytes: size };
    let settled = false;
    const once = () => {
      if (settled) throw new Error('A staged blob is committed or discarded once');
      settled = true;
    };
    // async: a second commit/discard is a rejected promise, as the port says, not a synchronous throw.
    return {
      ...info,
      commit: async () => {
        once();
        return this.commit(id, info);
      },
      discard: async () => {
        once();
        return this.discard(id);
      },
    };
  }

  private async commit(id: ObjectId, info: BlobInfo): Promise<PutResult> {
    const { sha256 } = info;
    if (await this.findId(sha256)) {
      await this.discard(id);
      return { ...info, created: false };
    }
    try {
      await this.files.updateOne({ _id: id }, { $set: { filename: sha256 } });
    } catch (e) {
      // Another upload of the same bytes was renamed first (MongoDB answers E11000; FerretDB v1
      // an untyped error from PostgreSQL's unique index): keep theirs. Anything else is an error.
      const winner = await this.findId(sha256);
      if (winner && !winner.equals(id)) {
        await this.discard(id);
        return { ...info, created: false };
      }
      if (!winner) throw e;
    }
    await this.uploads.deleteOne({ _id: id });
    return { ...info, created: true };
  }

  /** Deletes an unfinished upload: its chunks, then its file document, then its record (last, so a crash repeats this). */
  private async discard(id: ObjectId): Promise<void> {
    await this.chunks.deleteMany({ files_id: id });
    await this.files.deleteOne({ _id: id });
    await this.uploads.deleteOne({ _id: id });
  }

  override async putBuffer(data: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    return this.putStream(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), options);
  }

  override async getStream(ref: BlobRef, range?: ByteRange): Promise<Readable> {
    if (!range) {
      const id = await this.findId(sha256OfRef(ref));
      if (!id) throw notFound(ref);
      return this.bucket.openDownloadStream(id);
    }
    const doc = await this.files.findOne({ filename: sha256OfRef(ref) }, { projection: { _id: 1, length: 1 } });
    if (!doc) throw notFound(ref);
    const size = Number(doc.length);
    const start = Math.min(size, Math.max(0, Math.floor(range.start)));
    const end = Math.min(size, range.end === undefined ? size : Math.floor(range.end));
    if (end <= start) return Readable.from([]);
    // GridFS's end is exclusive and must not pass the file's length.
    return this.bucket.openDownloadStream(doc._id, { start, end });
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
