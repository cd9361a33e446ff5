import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, PayloadTooLargeError } from '@1tt/domain-errors';
import { blobRefOf, sha256OfRef } from './blob-ref';
import { BlobInfo, BlobRef, BlobStore, BlobStoreHealth, ByteRange, PutOptions, PutResult, StagedBlob } from './blob-store.port';

export interface LocalBlobStoreOptions {
  /** Root directory; created when missing. */
  dir: string;
  /** Temporary files older than this are removed at open (left by a crash). Default one hour. */
  staleTempMs?: number;
}

/**
 * Blobs as files under `<dir>/ab/cd/<sha256>`; two levels of 256 shards keep
 * directories small at millions of blobs. A write goes to `<dir>/tmp`, is
 * fsynced, renamed into place (atomic on one file system) and the directory
 * fsynced, so a blob either exists whole under its name or not at all, and an
 * acknowledged one survives power loss.
 */
export class LocalBlobStore extends BlobStore {
  private readonly tmpDir: string;

  private constructor(readonly dir: string) {
    super();
    this.tmpDir = path.join(dir, 'tmp');
  }

  static async open(options: LocalBlobStoreOptions): Promise<LocalBlobStore> {
    const store = new LocalBlobStore(path.resolve(options.dir));
    await fs.mkdir(store.tmpDir, { recursive: true });
    await store.removeStaleTemps(options.staleTempMs ?? 3_600_000);
    return store;
  }

  override async putStream(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    return (await this.stageStream(source, options)).commit();
  }

  override async stageStream(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StagedBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const fh = await fs.open(tmp, 'wx');
    let closed = false;
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > maxBytes) throw tooLarge(maxBytes);
        hash.update(bytes);
        await fh.write(bytes);
      }
      await fh.sync();
      await fh.close();
      closed = true;
    } catch (e) {
      if (!closed) await fh.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    const sha256 = hash.digest('hex');
    const info = { ref: blobRefOf(sha256), sha256, sizeBytes: size };
    let settled = false;
    const once = () => {
      if (settled) throw new Error('A staged blob is committed or discarded once');
      settled = true;
    };
    return {
      ...info,
      commit: async () => {
        once();
        try {
          const final = this.pathOf(sha256);
          if (await fileExists(final)) {
            await fs.rm(tmp, { force: true });
            return { ...info, created: false };
          }
          const createdDirs = await mkdirTracked(path.dirname(final), this.dir);
          await fs.rename(tmp, final);
          await fsyncDir(path.dirname(final));
          // A freshly created shard directory is only durable once its parent's entry is.
          for (const d of createdDirs) await fsyncDir(path.dirname(d));
          return { ...info, created: true };
        } catch (e) {
          await fs.rm(tmp, { force: true }).catch(() => undefined);
          throw e;
        }
      },
      discard: async () => {
        once();
        await fs.rm(tmp, { force: true });
      },
    };
  }

  override async putBuffer(data: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return this.putStream(Readable.from([bytes]), options);
  }

  override async getStream(ref: BlobRef, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(sha256OfRef(ref));
    // Open first so that a missing blob is a NotFoundError here, not a stream error later.
    const fh = await fs.open(file, 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? notFound(ref) : e;
    });
    if (!range) return createReadStream('', { fd: fh, highWaterMark: 256 * 1024 });
    const start = Math.max(0, Math.floor(range.start));
    const end = range.end === undefined ? Infinity : Math.floor(range.end);
    if (end <= start) {
      await fh.close();
      return Readable.from([]);
    }
    // createReadStream's end is inclusive.
    return createReadStream('', { fd: fh, highWaterMark: 256 * 1024, start, ...(end === Infinity ? {} : { end: end - 1 }) });
  }

  override async exists(ref: BlobRef): Promise<boolean> {
    return fileExists(this.pathOf(sha256OfRef(ref)));
  }

  override async stat(ref: BlobRef): Promise<BlobInfo> {
    const sha256 = sha256OfRef(ref);
    const st = await fs.stat(this.pathOf(sha256)).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? notFound(ref) : e;
    });
    return { ref: blobRefOf(sha256), sha256, sizeBytes: st.size };
  }

  override async verify(ref: BlobRef): Promise<boolean> {
    const sha256 = sha256OfRef(ref);
    const hash = createHash('sha256');
    for await (const chunk of await this.getStream(ref)) hash.update(chunk as Buffer);
    return hash.digest('hex') === sha256;
  }

  override async localPath(ref: BlobRef): Promise<string | undefined> {
    const file = this.pathOf(sha256OfRef(ref));
    return (await fileExists(file)) ? file : undefined;
  }

  override async health(): Promise<BlobStoreHealth> {
    try {
      await fs.access(this.tmpDir, fs.constants.W_OK);
      return { ok: true, kind: 'local', detail: this.dir };
    } catch (e) {
      return { ok: false, kind: 'local', detail: `${this.dir}: ${(e as Error).message}` };
    }
  }

  override async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private async removeStaleTemps(olderThanMs: number): Promise<void> {
    const now = Date.now();
    for (const name of await fs.readdir(this.tmpDir)) {
      const p = path.join(this.tmpDir, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && now - st.mtimeMs > olderThanMs) await fs.rm(p, { force: true });
    }
  }
}

export function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError('blob-too-large', `The upload exceeds the limit of ${maxBytes} bytes`, {
    field: 'file',
    hint: `Upload at most ${maxBytes} bytes (compress the file or split it into several datasets).`,
    context: { maxBytes },
  });
}

export function notFound(ref: BlobRef): NotFoundError {
  return new NotFoundError('blob-not-found', `No blob ${ref}`, { field: 'ref', context: { ref } });
}

async function fileExists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** mkdir -p that reports which directories it created (outermost first). */
async function mkdirTracked(dir: string, root: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; d.startsWith(root) && d !== root; d = path.dirname(d)) {
    if (await fileExists(d)) break;
    missing.unshift(d);
  }
  await fs.mkdir(dir, { recursive: true });
  return missing;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
