/**
 * Blob store throughput: streaming a blob in (SHA-256 while writing, durable
 * when acknowledged) and reading it back, for the local directory and, when
 * MONGODB_URL is set, GridFS on that server (FerretDB in CI). The sizing
 * table of docs/DEPLOYMENT.md uses these figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { BlobStore, GridFsBlobStore, LocalBlobStore, mongoDbName } from '@1tt/blob-store';
import { quick, report, timed } from './bench-report';

const MIB = quick ? 16 : 128;

function* bytes(total: number, chunk = 256 * 1024): Generator<Buffer> {
  let x = 1;
  for (let done = 0; done < total; done += chunk) {
    const b = Buffer.allocUnsafe(Math.min(chunk, total - done));
    for (let i = 0; i < b.length; i += 4) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      b.writeUInt32LE(x, i);
    }
    yield b;
  }
}

async function measure(label: string, store: BlobStore): Promise<void> {
  const total = MIB * 1024 * 1024;
  let ref = '';
  const putS = await timed(async () => {
    ref = (await store.putStream(Readable.from(bytes(total)))).ref;
  });
  report(`${label}: put ${MIB} MiB`, total / 1e6 / putS, 'MB/s');
  const getS = await timed(async () => {
    let n = 0;
    for await (const c of await store.getStream(ref)) n += (c as Buffer).length;
    if (n !== total) throw new Error(`read ${n} of ${total} bytes`);
  });
  report(`${label}: get ${MIB} MiB`, total / 1e6 / getS, 'MB/s');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-bench-blobs-'));
  try {
    const local = await LocalBlobStore.open({ dir });
    await measure('local directory', local);
    await local.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.MONGODB_URL;
  if (!url) {
    process.stdout.write('GridFS: skipped (set MONGODB_URL)\n');
    return;
  }
  const client = new MongoClient(url);
  await client.connect();
  const db = client.db(mongoDbName(url));
  const bucketName = `bench_blobs_${Date.now()}`;
  try {
    const gridfs = await GridFsBlobStore.open({ db, bucketName });
    const server = (await db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    await measure(server.ferretdbVersion ? `GridFS on FerretDB ${server.ferretdbVersion}` : `GridFS on MongoDB ${server.version}`, gridfs);
  } finally {
    for (const s of ['files', 'chunks', 'uploads'])
      await db
        .collection(`${bucketName}.${s}`)
        .drop()
        .catch(() => undefined);
    await client.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
