import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createBlobStore, LocalBlobStore, mongoDbName } from '@1tt/blob-store';
import { blobStoreContract } from './blob-store.contract';

let dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), '1tt-blobs-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
  dirs = [];
});

blobStoreContract('local directory', async () => {
  const store = await LocalBlobStore.open({ dir: await tempDir() });
  return { store, dispose: () => store.close() };
});

describe('LocalBlobStore specifics', () => {
  it('shards files as ab/cd/<sha256> and exposes the path for random access', async () => {
    const dir = await tempDir();
    const store = await LocalBlobStore.open({ dir });
    const put = await store.putBuffer('sharded');
    const expected = path.join(dir, put.sha256.slice(0, 2), put.sha256.slice(2, 4), put.sha256);
    expect(await store.localPath(put.ref)).toBe(expected);
    expect(await fs.readFile(expected, 'utf8')).toBe('sharded');
    expect(await store.localPath(`sha256:${'1'.repeat(64)}`)).toBeUndefined();
  });

  it('leaves no temporary file behind after a refused or failed upload', async () => {
    const dir = await tempDir();
    const store = await LocalBlobStore.open({ dir });
    await expect(store.putBuffer(Buffer.alloc(2048), { maxBytes: 1024 })).rejects.toThrow();
    async function* failing() {
      yield Buffer.from('x');
      throw new Error('boom');
    }
    await expect(store.putStream(Readable.from(failing()))).rejects.toThrow('boom');
    expect(await fs.readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('verify() detects bytes changed on disk behind its back', async () => {
    const store = await LocalBlobStore.open({ dir: await tempDir() });
    const put = await store.putBuffer('evidence');
    await fs.writeFile((await store.localPath(put.ref))!, 'tampered');
    expect(await store.verify(put.ref)).toBe(false);
  });

  it('removes stale temporary files left by a crash when opened', async () => {
    const dir = await tempDir();
    await fs.mkdir(path.join(dir, 'tmp'), { recursive: true });
    const stale = path.join(dir, 'tmp', 'crashed.part');
    await fs.writeFile(stale, 'half');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await fs.utimes(stale, old, old);
    await LocalBlobStore.open({ dir });
    await expect(fs.access(stale)).rejects.toThrow();
  });
});

describe('createBlobStore', () => {
  it('opens a local store from a plain path and from file:<dir>', async () => {
    const a = await tempDir();
    const s1 = await createBlobStore(a);
    expect(s1).toBeInstanceOf(LocalBlobStore);
    expect((s1 as LocalBlobStore).dir).toBe(a);
    const b = await tempDir();
    const s2 = await createBlobStore(`file:${b}`);
    expect((s2 as LocalBlobStore).dir).toBe(b);
    const s3 = await createBlobStore(`file://${b}`);
    expect((s3 as LocalBlobStore).dir).toBe(b);
  });

  it('refuses an unknown scheme', async () => {
    await expect(createBlobStore('s3://bucket/x')).rejects.toMatchObject({ code: 'unsupported-blob-store-url' });
  });

  it('takes the MongoDB database name from the URL path, default 1tt', () => {
    expect(mongoDbName('mongodb://localhost:27017')).toBe('1tt');
    expect(mongoDbName('mongodb://localhost:27017/')).toBe('1tt');
    expect(mongoDbName('mongodb://u:p@h1,h2/ledger?replicaSet=rs0')).toBe('ledger');
    expect(mongoDbName('mongodb+srv://cluster.example.net/blobsdb?retryWrites=true')).toBe('blobsdb');
  });
});
