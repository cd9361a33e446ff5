import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventStore } from '@1tt/event-store';
import { datasetStream } from '@1tt/dataset-processing';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

jest.setTimeout(120_000);

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');
const doc = (name: string) => readFileSync(path.join('/usr/share/common-licenses', name), 'utf8').replace(/\n\s*\n/g, '\n').trim();

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
      .attach('file', Buffer.from([doc('GPL-2'), doc('Apache-2.0')].join('\n\n')), 'licences.txt');
    expect(up.status).toBe(202);
    const id = up.body.datasetId as string;

    // Long enough for the in-process runner to have decided a 2-document upload many times over.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await t.http.get(`/v1/datasets/${id}`).set(t.auth(key));
    expect(before.body.status).toBe('processing');
    expect((await t.get(EventStore).readStream(datasetStream(id))).map((e) => e.type)).toEqual(['DatasetUploaded']);

    worker = spawn(process.execPath, [WORKER], { env: { ...process.env, DATA_DIR: t.dataDir, WORKER_THREADS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    worker.stdout!.on('data', (c) => (output += c));
    worker.stderr!.on('data', (c) => (output += c));
    let body: Record<string, unknown> = before.body;
    for (let i = 0; i < 1200 && body.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = (await t.http.get(`/v1/datasets/${id}`).set(t.auth(key))).body;
    }
    expect(body).toMatchObject({ status: 'accepted', documentsIn: 2, documentsKept: 2 });
    const decision = (await t.get(EventStore).readStream(datasetStream(id))).slice(1);
    expect(decision.map((e) => e.metadata.actor)).toEqual(Array(3).fill(`system:worker:${worker.pid}`));
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('1tt worker');
  });
});
