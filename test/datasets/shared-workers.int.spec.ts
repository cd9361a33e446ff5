import { streamNames } from '@1tt/ledger';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DatasetProcessor, createFormatSource } from '@1tt/dataset-processing';
import { type EventStore, type RecordedEvent } from '@1tt/event-store';
import { shuffledLicense, nearCopy } from '../support/license-texts';
import { openTempStores, upload } from '../support/dataset-uploads';

const UPLOADED_AT = '2026-01-01T00:00:00.000Z';

// Real worker processes on a loaded 2-core machine.
jest.setTimeout(240_000);

const WORKER = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');
const LICENSES = ['GPL-2', 'GPL-3', 'LGPL-2.1', 'Apache-2.0', 'GFDL-1.3', 'MPL-2.0', 'Artistic', 'BSD'];

/**
 * Eight uploads whose verdicts depend on the order they are judged in:
 * later datasets repeat documents of earlier ones exactly or nearly, and
 * two repeat each other.
 */
function uploads(): Array<[string, string, string]> {
  const own = (k: number) => Array.from({ length: 12 }, (_, i) => shuffledLicense(LICENSES[(k + i) % LICENSES.length], 100 * k + i));
  const sets: string[][] = [];
  for (let k = 0; k < 8; k++) {
    const docs = own(k);
    if (k >= 2) docs.push(sets[k - 2][0], nearCopy(sets[k - 1][1]));
    if (k === 5) docs.push(...sets[4].slice(2, 6));
    sets.push(docs);
  }
  return sets.map((docs, k) => [`ds-${k}`, k % 2 ? 'bob' : 'alice', docs.join('\n\n')]);
}

/** A dataset's decision without the times the decider stamps. */
async function decisionOf(events: EventStore, datasetId: string): Promise<{ types: string[]; data: unknown[]; actors: string[] }> {
  const recorded = await events.readStream(streamNames.dataset(datasetId));
  const timeless = (d: unknown) => Object.fromEntries(Object.entries(d as Record<string, unknown>).filter(([k]) => !k.endsWith('At')));
  return {
    types: recorded.map((e) => e.type),
    data: recorded.slice(1).map((e: RecordedEvent) => timeless(e.data)),
    actors: recorded.slice(1).map((e) => e.metadata.actor),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 2400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

class WorkerProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;
  constructor(dataDir: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, DATA_DIR: dataDir, WORKER_THREADS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c) => (this.output += c));
    this.child.stderr!.on('data', (c) => (this.output += c));
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }
  get actor(): string {
    return `system:worker:${this.child.pid}`;
  }
  async started(): Promise<void> {
    await until('worker start-up', async () =>
      this.output.includes('processing datasets with')
        ? true
        : this.child.exitCode !== null
          ? Promise.reject(new Error(this.output))
          : undefined,
    );
  }
  kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

describe('apps/worker processes sharing one embedded store (compiled: npm test builds first)', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  beforeAll(() => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build (npm test does)`);
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('two workers split the datasets, decide each exactly once, and decide them as one process does', async () => {
    const list = uploads();

    // The reference: one in-process runner, every dataset its own.
    const single = await openTempStores('shared');
    cleanup.push(() => single.close());
    const processor = new DatasetProcessor({
      events: single.events,
      blobs: single.blobs,
      openSource: createFormatSource(),
      workerThreads: 1,
    });
    processor.start();
    cleanup.push(() => processor.stop());
    for (const [id, who, text] of list) await upload(single, id, text, { owner: { contributorId: who }, uploadedAt: UPLOADED_AT });
    await processor.idleAfter(await single.events.headPosition());

    const shared = await openTempStores('shared');
    cleanup.push(() => shared.close());
    const a = new WorkerProcess(shared.dir);
    const b = new WorkerProcess(shared.dir);
    cleanup.push(
      () => a.kill('SIGKILL'),
      () => b.kill('SIGKILL'),
    );
    await Promise.all([a.started(), b.started()]);
    for (const [id, who, text] of list) await upload(shared, id, text, { owner: { contributorId: who }, uploadedAt: UPLOADED_AT });
    for (const [id] of list)
      await until(`${id} decided`, async () => ((await shared.events.readStream(streamNames.dataset(id))).length > 1 ? true : undefined));
    // Let any late duplicate decision show up before counting.
    expect(await a.kill('SIGTERM')).toBe(0);
    expect(await b.kill('SIGTERM')).toBe(0);

    const actors = new Set<string>();
    let removedAsDuplicates = 0;
    for (const [id] of list) {
      const got = await decisionOf(shared.events, id);
      const want = await decisionOf(single.events, id);
      expect(got.types).toEqual([
        'DatasetUploaded',
        'DatasetPreprocessed',
        'DatasetTokensCounted',
        got.types[3] === 'DatasetAccepted' ? 'DatasetAccepted' : 'DatasetRejected',
      ]);
      expect(got.data).toEqual(want.data);
      expect(new Set(got.actors).size).toBe(1);
      actors.add(got.actors[0]);
      const pre = got.data[0] as { removed: Record<string, number> };
      removedAsDuplicates += (pre.removed.exact_duplicate ?? 0) + (pre.removed.near_duplicate ?? 0);
    }
    // The uploads do repeat each other, so the order of judging mattered.
    expect(removedAsDuplicates).toBeGreaterThanOrEqual(14);
    expect([...actors].sort()).toEqual([a.actor, b.actor].sort());
    const claims = new Database(path.join(shared.dir, 'claims.db'), { readonly: true });
    try {
      const rows = claims.prepare('SELECT dataset_id FROM dataset_claims WHERE expires_at = ?').all(Number.MAX_SAFE_INTEGER) as Array<{
        dataset_id: string;
      }>;
      expect(rows.map((r) => r.dataset_id).sort()).toEqual(list.map(([id]) => id).sort());
    } finally {
      claims.close();
    }
  });

  it('a worker SIGKILLed in the middle of a dataset: the other takes the dataset over and decides it once', async () => {
    const shared = await openTempStores('shared');
    cleanup.push(() => shared.close());
    const env = { DATASET_CLAIM_LEASE_SECONDS: '3' };
    const a = new WorkerProcess(shared.dir, env);
    const b = new WorkerProcess(shared.dir, env);
    cleanup.push(
      () => a.kill('SIGKILL'),
      () => b.kill('SIGKILL'),
    );
    await Promise.all([a.started(), b.started()]);
    // Large enough (a few MB) that its analysis is still running when the holder is killed.
    const big = Array.from({ length: 400 }, (_, i) => shuffledLicense(LICENSES[i % LICENSES.length], 7000 + i)).join('\n\n');
    await upload(shared, 'big', big, { uploadedAt: UPLOADED_AT });

    const claims = new Database(path.join(shared.dir, 'claims.db'), { readonly: true, timeout: 5000 });
    cleanup.push(async () => claims.close());
    const holder = await until('a claim on the dataset', async () => {
      const row = claims.prepare('SELECT owner FROM dataset_claims WHERE dataset_id = ?').get('big') as { owner: string } | undefined;
      return row ? row.owner : undefined;
    });
    const [victim, survivor] = holder.split(':')[1] === String(a.child.pid) ? [a, b] : [b, a];
    expect(holder.split(':')[1]).toBe(String(victim.child.pid));
    await victim.kill('SIGKILL');
    expect((await shared.events.readStream(streamNames.dataset('big'))).map((e) => e.type)).toEqual(['DatasetUploaded']);

    await until('big decided', async () => ((await shared.events.readStream(streamNames.dataset('big'))).length > 1 ? true : undefined));
    expect(await survivor.kill('SIGTERM')).toBe(0);
    const got = await decisionOf(shared.events, 'big');
    expect(got.types).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
    expect(got.actors).toEqual(Array(3).fill(survivor.actor));
    expect(got.data[0]).toMatchObject({ documentsIn: 400 });
  });
});
