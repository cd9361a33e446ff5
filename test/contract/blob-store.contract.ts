/**
 * The one behaviour every BlobStore adapter must have. Run by
 * blob-store-local.int.spec.ts (always) and blob-store-gridfs.int.spec.ts
 * (when MONGODB_URL is set).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobStore } from '@1tt/blob-store';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '@1tt/domain-errors';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Called after each test. */
  dispose(): Promise<void>;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Deterministic pseudo-random bytes, produced lazily in chunks. */
function* generated(total: number, chunk = 64 * 1024, seed = 1): Generator<Buffer> {
  let x = seed;
  for (let done = 0; done < total; done += chunk) {
    const b = Buffer.allocUnsafe(Math.min(chunk, total - done));
    for (let i = 0; i < b.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      b[i] = x >>> 16;
    }
    yield b;
  }
}

export function blobStoreContract(name: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fx: BlobStoreFixture;
    let store: BlobStore;
    beforeEach(async () => {
      fx = await open();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.dispose();
    });

    it('names a blob by the SHA-256 of its bytes and gives the same bytes back', async () => {
      const data = Buffer.from('hello, 1TT ledger\n');
      const put = await store.putBuffer(data);
      expect(put).toEqual({ ref: `sha256:${sha(data)}`, sha256: sha(data), sizeBytes: data.length, created: true });
      expect(await readAll(await store.getStream(put.ref))).toEqual(data);
      expect(await store.exists(put.ref)).toBe(true);
      expect(await store.stat(put.ref)).toEqual({ ref: put.ref, sha256: put.sha256, sizeBytes: data.length });
      expect(await store.verify(put.ref)).toBe(true);
    });

    it('gives back a byte range of a blob (end exclusive, clamped to the size; an empty range is empty)', async () => {
      const data = Buffer.from('0123456789abcdef');
      const put = await store.putBuffer(data);
      expect((await readAll(await store.getStream(put.ref, { start: 3, end: 7 }))).toString()).toBe('3456');
      expect((await readAll(await store.getStream(put.ref, { start: 10 }))).toString()).toBe('abcdef');
      expect((await readAll(await store.getStream(put.ref, { start: 12, end: 100 }))).toString()).toBe('cdef');
      expect((await readAll(await store.getStream(put.ref, { start: 5, end: 5 }))).length).toBe(0);
      expect((await readAll(await store.getStream(put.ref, { start: 40 }))).length).toBe(0);
      await expect(store.getStream(`sha256:${'0'.repeat(64)}`, { start: 0 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('streams a multi-megabyte upload chunk by chunk and hashes it while writing', async () => {
      const total = 5 * 1024 * 1024 + 123;
      const expected = createHash('sha256');
      for (const c of generated(total)) expected.update(c);
      const put = await store.putStream(Readable.from(generated(total)));
      expect(put.sha256).toBe(expected.digest('hex'));
      expect(put.sizeBytes).toBe(total);
      const back = createHash('sha256');
      let n = 0;
      for await (const c of await store.getStream(put.ref)) {
        back.update(c as Buffer);
        n += (c as Buffer).length;
      }
      expect(n).toBe(total);
      expect(back.digest('hex')).toBe(put.sha256);
    });

    it('stores identical bytes once: a second put is deduplicated', async () => {
      const a = await store.putBuffer('same bytes');
      const b = await store.putStream(Readable.from([Buffer.from('same '), Buffer.from('bytes')]));
      expect(b.ref).toBe(a.ref);
      expect(a.created).toBe(true);
      expect(b.created).toBe(false);
      expect((await readAll(await store.getStream(a.ref))).toString()).toBe('same bytes');
    });

    it('two concurrent puts of the same bytes both succeed and leave one blob', async () => {
      const [a, b] = await Promise.all([store.putBuffer('racing'), store.putBuffer('racing')]);
      expect(a.ref).toBe(b.ref);
      expect((await readAll(await store.getStream(a.ref))).toString()).toBe('racing');
    });

    it('stores the empty blob', async () => {
      const put = await store.putBuffer(Buffer.alloc(0));
      expect(put.sha256).toBe(sha(''));
      expect((await readAll(await store.getStream(put.ref))).length).toBe(0);
    });

    it('refuses more than maxBytes with PayloadTooLargeError and keeps nothing', async () => {
      const total = 3 * 1024 * 1024;
      const err = await store.putStream(Readable.from(generated(total, 64 * 1024, 7)), { maxBytes: 1024 * 1024 }).catch((e) => e);
      expect(err).toBeInstanceOf(PayloadTooLargeError);
      expect(err.code).toBe('blob-too-large');
      const exact = Buffer.alloc(1000, 1);
      await expect(store.putBuffer(exact, { maxBytes: 1000 })).resolves.toMatchObject({ sizeBytes: 1000 });
      await expect(store.putBuffer(Buffer.alloc(1001, 1), { maxBytes: 1000 })).rejects.toBeInstanceOf(PayloadTooLargeError);
      expect(await store.exists(`sha256:${sha(Buffer.alloc(1001, 1))}`)).toBe(false);
    });

    it('propagates an error of the source stream and keeps nothing', async () => {
      async function* failing() {
        yield Buffer.from('partial upload');
        throw new Error('client went away');
      }
      await expect(store.putStream(Readable.from(failing()))).rejects.toThrow('client went away');
      expect(await store.exists(`sha256:${sha('partial upload')}`)).toBe(false);
    });

    it('stages bytes without storing them: a discarded stage leaves nothing, a committed one is the blob (deduplicated)', async () => {
      const bytes = Buffer.from(`staged ${Date.now()} ${Math.random()}`);
      const ref = `sha256:${sha(bytes)}`;
      const dropped = await store.stageStream(Readable.from([bytes]));
      expect(dropped).toMatchObject({ ref, sha256: sha(bytes), sizeBytes: bytes.length });
      expect(await store.exists(ref)).toBe(false);
      await dropped.discard();
      expect(await store.exists(ref)).toBe(false);
      const kept = await store.stageStream(Readable.from([bytes]));
      expect(await store.exists(ref)).toBe(false);
      expect(await kept.commit()).toMatchObject({ ref, created: true });
      expect(await store.exists(ref)).toBe(true);
      await expect(kept.discard()).rejects.toThrow(/once/);
      const again = await store.stageStream(Readable.from([bytes]));
      expect(await again.commit()).toMatchObject({ ref, created: false });
    });

    it('answers NotFoundError for a missing blob and ValidationError for a malformed ref', async () => {
      const missing = `sha256:${'0'.repeat(64)}`;
      expect(await store.exists(missing)).toBe(false);
      await expect(store.getStream(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.stat(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.verify(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getStream('sha256:../../etc/passwd')).rejects.toBeInstanceOf(ValidationError);
      await expect(store.exists('md5:abc')).rejects.toBeInstanceOf(ValidationError);
    });

    it('reports health', async () => {
      expect(await store.health()).toMatchObject({ ok: true });
    });
  });
}
