import { streamNames } from '@1tt/ledger';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EventStore } from '@1tt/event-store';
import { DATASET_PROGRESS_REPORTED, datasetProgressStream } from '@1tt/dataset-processing';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { licenseText, shuffledLicense } from '../support/license-texts';

jest.setTimeout(120_000);

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

function startWorker(dataDir: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [WORKER], {
    env: { ...process.env, DATA_DIR: dataDir, WORKER_THREADS: '1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function contributorKey(t: TestApp): Promise<string> {
  const reg = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Alice' });
  expect(reg.status).toBe(201);
  return reg.body.apiKey as string;
}

describe('PROCESS_DATASETS=false: the API process leaves uploads to apps/worker', () => {
  let t: TestApp | undefined;
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await t?.close();
  });

  it('an upload stays processing in the API until a separate worker process decides it', async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build (npm test does)`);
    t = await startTestApp({ env: { PROCESS_DATASETS: 'false', WORKER_THREADS: '1' } });
    const reg = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Alice' });
    expect(reg.status).toBe(201);
    const key = reg.body.apiKey as string;
    const up = await t.http
      .post('/v1/datasets')
      .set(t.auth(key))
      .field('split', 'paragraph')
      .attach('file', Buffer.from([licenseText('GPL-2'), licenseText('Apache-2.0')].join('\n\n')), 'licences.txt');
    expect(up.status).toBe(202);
    const id = up.body.datasetId as string;

    // Long enough for the in-process runner to have decided a 2-document upload many times over.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await t.http.get(`/v1/datasets/${id}`).set(t.auth(key));
    expect(before.body.status).toBe('processing');
    expect((await t.get(EventStore).readStream(streamNames.dataset(id))).map((e) => e.type)).toEqual(['DatasetUploaded']);

    worker = spawn(process.execPath, [WORKER], {
      env: { ...process.env, DATA_DIR: t.dataDir, WORKER_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout!.on('data', (c) => (output += c));
    worker.stderr!.on('data', (c) => (output += c));
    let body: Record<string, unknown> = before.body;
    for (let i = 0; i < 1200 && body.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = (await t.http.get(`/v1/datasets/${id}`).set(t.auth(key))).body;
    }
    expect(body).toMatchObject({ status: 'accepted', documentsIn: 2, documentsKept: 2 });
    const decision = (await t.get(EventStore).readStream(streamNames.dataset(id))).slice(1);
    expect(decision.map((e) => e.metadata.actor)).toEqual(Array(3).fill(`system:worker:${worker.pid}`));
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('1tt worker');
  });

  it('GET /v1/datasets/{id} serves the progress another process published, while processing only', async () => {
    t = await startTestApp({ env: { PROCESS_DATASETS: 'false', WORKER_THREADS: '1' } });
    const key = await contributorKey(t);
    const up = await t.http
      .post('/v1/datasets')
      .set(t.auth(key))
      .field('split', 'paragraph')
      .attach('file', Buffer.from([licenseText('GPL-2'), licenseText('BSD')].join('\n\n')), 'two.txt');
    expect(up.status).toBe(202);
    const id = up.body.datasetId as string;
    const get = async () =>
      (await t!.http.get(`/v1/datasets/${id}`).set(t!.auth(key))).body as { status: string; sizeBytes: number; progress: unknown };
    const first = await get();
    expect(first.progress).toEqual({ documentsDone: 0, bytesRead: 0, totalBytes: first.sizeBytes });

    const events = t.get(EventStore);
    const report = (documentsDone: number, bytesRead: number) =>
      events.appendToStream(
        datasetProgressStream(id),
        [{ type: DATASET_PROGRESS_REPORTED, data: { datasetId: id, documentsDone, bytesRead, totalBytes: first.sizeBytes } }],
        { expectedRevision: 'any' },
      );
    await report(1, 100);
    await report(2, 200);
    let seen = first;
    for (let i = 0; i < 200 && (seen.progress as { documentsDone: number }).documentsDone !== 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await get();
    }
    expect(seen).toMatchObject({ status: 'processing', progress: { documentsDone: 2, bytesRead: 200, totalBytes: first.sizeBytes } });

    worker = startWorker(t.dataDir);
    for (let i = 0; i < 1200 && seen.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await get();
    }
    expect(seen).toMatchObject({ status: 'accepted', progress: null });
    // A late report (appends race with the decision) does not bring progress back.
    await report(2, 300);
    // A read first catches the read model up with the log head, so this sees the late report applied (and ignored).
    expect((await get()).progress).toBeNull();
  });

  it('a separate worker publishes the progress of a long dataset as DatasetProgressReported events', async () => {
    t = await startTestApp({ env: { PROCESS_DATASETS: 'false', WORKER_THREADS: '1' } });
    const key = await contributorKey(t);
    // About 12 MB: its analysis on one thread spans several one-second progress intervals.
    const names = ['GPL-3', 'GPL-2', 'LGPL-2.1', 'Apache-2.0', 'GFDL-1.3', 'MPL-2.0'];
    const big = Array.from({ length: 600 }, (_, i) => shuffledLicense(names[i % names.length], 31 + i)).join('\n\n');
    const up = await t.http.post('/v1/datasets').set(t.auth(key)).field('split', 'paragraph').attach('file', Buffer.from(big), 'big.txt');
    expect(up.status).toBe(202);
    const id = up.body.datasetId as string;
    worker = startWorker(t.dataDir, { DATASET_PROGRESS_SECONDS: '1' });
    const during: Array<{ documentsDone: number; bytesRead: number; totalBytes: number }> = [];
    let body: { status: string; progress: { documentsDone: number; bytesRead: number; totalBytes: number } | null; documentsIn?: number } =
      { status: 'processing', progress: null };
    for (let i = 0; i < 2400 && body.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = (await t.http.get(`/v1/datasets/${id}`).set(t.auth(key))).body;
      if (body.status === 'processing' && body.progress && body.progress.documentsDone > 0) during.push(body.progress);
    }
    expect(body).toMatchObject({ status: 'accepted', documentsIn: 600, progress: null });
    const stream = await t.get(EventStore).readStream(datasetProgressStream(id));
    // The stream also records the analysis attempt (DatasetAnalysisStarted, bounded attempts) before any progress.
    expect(stream[0].type).toBe('DatasetAnalysisStarted');
    const published = stream.filter((e) => e.type === DATASET_PROGRESS_REPORTED);
    expect(published.length).toBeGreaterThan(0);
    for (const e of stream) expect(e.metadata.actor).toBe(`system:worker:${worker.pid}`);
    const last = published[published.length - 1].data as { documentsDone: number; bytesRead: number; totalBytes: number };
    expect(last.documentsDone).toBeGreaterThan(0);
    expect(last.documentsDone).toBeLessThanOrEqual(600);
    expect(last.totalBytes).toBe(Buffer.byteLength(big));
    // What the API showed while processing came from those events (it processes nothing itself).
    expect(during.length).toBeGreaterThan(0);
    for (const p of during) expect(published.map((e) => e.data)).toContainEqual({ datasetId: id, ...p });
  });
});
