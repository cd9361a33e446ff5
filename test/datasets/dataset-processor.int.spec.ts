import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import { DATASET_PROGRESS_STREAM_PREFIX, DatasetProcessor, reprocessDataset } from '@1tt/dataset-processing';
import { DEFAULT_PIPELINE, resolvePipeline } from '@1tt/preprocessing';
import { datasetDecider, type DatasetEvent, streamNames } from '@1tt/ledger';
import { createEventStore, type EventStore, type RecordedEvent } from '@1tt/event-store';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { upload } from '../support/dataset-uploads';

// Worker threads and whole datasets: on a loaded 2-core machine a test can take longer than the default 30 s.
jest.setTimeout(120_000);

const file = (...names: string[]) => names.map(licenseText).join('\n\n');

interface World {
  dir: string;
  events: EventStore;
  blobs: LocalBlobStore;
  processor?: DatasetProcessor;
}

async function world(dir = mkdtempSync(path.join(os.tmpdir(), '1tt-proc-'))): Promise<World> {
  const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
  const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
  return { dir, events, blobs };
}

function startProcessor(w: World, options: { workerThreads?: number; batchDocuments?: number } = {}): DatasetProcessor {
  w.processor = new DatasetProcessor({
    events: w.events,
    blobs: w.blobs,
    openSource: blankLineTextSource,
    workerThreads: options.workerThreads ?? 2,
    batchDocuments: options.batchDocuments,
    retryDelayMs: 50,
  });
  w.processor.start();
  return w.processor;
}

async function close(w: World): Promise<void> {
  await w.processor?.stop();
  await w.events.close();
  await w.blobs.close();
}

/** The owner withdraws, through the ledger's decider. */
async function withdraw(w: World, datasetId: string): Promise<void> {
  const recorded = await w.events.readStream(streamNames.dataset(datasetId));
  const state = recorded.reduce((st, r) => datasetDecider.evolve(st, r as unknown as DatasetEvent), datasetDecider.initialState);
  if (state.status === 'none') throw new Error('no dataset');
  const requestedBy =
    state.owner.kind === 'contribution'
      ? { role: 'contributor' as const, id: state.owner.contributorId }
      : { role: 'consumer' as const, id: state.owner.consumerId };
  const events = datasetDecider.decide({ type: 'WithdrawDataset', data: { datasetId, requestedBy } }, state, { now: new Date() });
  await w.events.appendToStream(streamNames.dataset(datasetId), events, { expectedRevision: recorded.length - 1 });
}

/** Event data without the times the decider stamps (preprocessedAt, acceptedAt…): those differ between runs by nature. */
function timeless(data: unknown): unknown {
  return Object.fromEntries(Object.entries(data as Record<string, unknown>).filter(([k]) => !k.endsWith('At')));
}

async function settled(w: World): Promise<void> {
  await w.processor!.idleAfter(await w.events.headPosition());
}

async function decision(w: World, datasetId: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const e of await w.events.readStream(streamNames.dataset(datasetId))) out[e.type] = e.data as Record<string, unknown>;
  return out;
}

async function allDecisions(w: World): Promise<Array<Pick<RecordedEvent, 'streamName' | 'type' | 'data'>>> {
  const out = [];
  // Progress reports depend on how long the analysis took: not part of the decision.
  for await (const e of w.events.readAll())
    if (!e.streamName.startsWith(DATASET_PROGRESS_STREAM_PREFIX))
      out.push({ streamName: e.streamName, type: e.type, data: timeless(e.data) });
  return out;
}

describe('DatasetProcessor on the embedded event store', () => {
  const worlds: World[] = [];
  afterAll(async () => {
    for (const w of worlds) {
      await close(w);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });
  const fresh = async () => {
    const w = await world();
    worlds.push(w);
    return w;
  };

  it('decides in log order: the earlier contributor keeps a document, a later exact or near copy earns nothing', async () => {
    const w = await fresh();
    await upload(w, 'a', file('GPL-2', 'LGPL-2'), { owner: { contributorId: 'alice' } });
    await upload(w, 'b', file('Artistic', 'GPL-2', 'LGPL-2.1', 'BSD'), { owner: { contributorId: 'bob' } });
    startProcessor(w);
    await settled(w);
    const a = await decision(w, 'a');
    const b = await decision(w, 'b');
    expect(a.DatasetPreprocessed).toMatchObject({ documentsIn: 2, documentsKept: 2, removed: {}, duplicatesOfEarlier: 0 });
    expect(a.DatasetAccepted).toMatchObject({
      datasetId: 'a',
      kind: 'contribution',
      contributorId: 'alice',
      tokens: a.DatasetTokensCounted.tokens,
    });
    expect(b.DatasetPreprocessed).toMatchObject({
      documentsIn: 4,
      documentsKept: 2,
      removed: { exact_duplicate: 1, near_duplicate: 1 },
      duplicatesOfEarlier: 2,
    });
    expect(b.DatasetTokensCounted).toMatchObject({ tokenizer: 'o200k_base', tokens: expect.stringMatching(/^\d+$/) });
    expect(Number(b.DatasetTokensCounted.tokens)).toBeGreaterThan(1000);
    expect(b.DatasetAccepted).toMatchObject({ datasetId: 'b', contributorId: 'bob' });
  });

  it('applies a withdrawal at its log position: uploads before it stay blocked, uploads after it keep the document', async () => {
    const w = await fresh();
    await upload(w, 'a', file('GPL-2', 'BSD'), { owner: { contributorId: 'alice' } });
    startProcessor(w);
    await settled(w);
    await w.processor!.stop();
    await upload(w, 'before', file('GPL-2', 'Artistic'), { owner: { contributorId: 'bob' } });
    await withdraw(w, 'a');
    await upload(w, 'after', file('GPL-2', 'CC0-1.0'), { owner: { contributorId: 'carol' } });
    startProcessor(w);
    await settled(w);
    expect((await decision(w, 'before')).DatasetPreprocessed).toMatchObject({ documentsKept: 1, removed: { exact_duplicate: 1 } });
    expect((await decision(w, 'after')).DatasetPreprocessed).toMatchObject({ documentsKept: 2, removed: {} });
  });

  it("removes contributions matching a consumer's reference corpus as already_held_by_consumer", async () => {
    const w = await fresh();
    await upload(w, 'ref', file('GFDL-1.3'), { owner: { consumerId: 'acme' } });
    await upload(w, 'c', file('GFDL-1.2', 'GPL-1'), { owner: { contributorId: 'dave' } });
    startProcessor(w);
    await settled(w);
    const c = await decision(w, 'c');
    expect(c.DatasetPreprocessed).toMatchObject({ documentsKept: 1, removed: { already_held_by_consumer: 1 }, duplicatesOfEarlier: 0 });
  });

  it('rejects a dataset where nothing is kept (an exact copy of an earlier one), and judges a dataset of short snippets as all filtered', async () => {
    const w = await fresh();
    await upload(w, 'a', file('GPL-3'), { owner: { contributorId: 'alice' } });
    await upload(w, 'copy', file('GPL'), { owner: { contributorId: 'bob' } });
    await upload(w, 'junk', 'short line\n\nanother', { owner: { contributorId: 'bob' } });
    startProcessor(w);
    await settled(w);
    expect((await decision(w, 'copy')).DatasetRejected).toMatchObject({
      reason: 'no_documents_kept',
      detail: expect.any(String),
      rejectedAt: expect.any(String),
    });
    expect((await decision(w, 'junk')).DatasetPreprocessed).toMatchObject({ documentsIn: 2, documentsKept: 0 });
  });

  it('restarts a dataset cut off mid-processing from scratch after a restart, and decides it once', async () => {
    const w = await fresh();
    const big = Array.from(
      { length: 40 },
      (_, i) =>
        `${licenseText('GPL-3')}\nVariant ${i}: ${licenseText(['GPL-2', 'LGPL-2.1', 'Apache-2.0', 'GFDL-1.3'][i % 4])
          .split(' ')
          .reverse()
          .join(' ')}`,
    ).join('\n\n');
    await upload(w, 'big', big, { owner: { contributorId: 'alice' } });
    const p = startProcessor(w, { batchDocuments: 1, workerThreads: 1 });
    for (let i = 0; i < 500 && !(p.progress('big')?.documentsDone ?? 0); i++) await new Promise((r) => setTimeout(r, 10));
    expect(p.progress('big')?.documentsDone).toBeGreaterThan(0);
    await p.stop();
    expect((await w.events.readStream(streamNames.dataset('big'))).map((e) => e.type)).toEqual(['DatasetUploaded']);
    await w.events.close();
    w.events = await createEventStore(`sqlite:${path.join(w.dir, 'events.db')}`);
    startProcessor(w);
    await settled(w);
    const types = (await w.events.readStream(streamNames.dataset('big'))).map((e) => e.type);
    expect(types).toEqual(['DatasetUploaded', 'DatasetPreprocessed', 'DatasetTokensCounted', 'DatasetAccepted']);
  });

  it('gives identical events for the same log, whatever the threads, batch sizes and restarts', async () => {
    const script = async (w: World, p: { workerThreads: number; batchDocuments: number }, restartMidway: boolean) => {
      await upload(w, 'a', file('GPL-2', 'LGPL-2', 'GFDL-1.2'), { owner: { contributorId: 'alice' } });
      await upload(w, 'r', file('Apache-2.0'), { owner: { consumerId: 'acme' } });
      startProcessor(w, p);
      await settled(w);
      await upload(w, 'b', file('GPL-2', 'Apache-2.0', 'CC0-1.0', 'GFDL-1.3'), { owner: { contributorId: 'bob' } });
      await settled(w);
      await withdraw(w, 'a');
      if (restartMidway) {
        await w.processor!.stop();
        startProcessor(w, p);
      }
      await upload(w, 'c', file('LGPL-2.1', 'GFDL-1.3', 'Artistic', 'BSD'), { owner: { contributorId: 'carol' } });
      await settled(w);
      return allDecisions(w);
    };
    const one = await script(await fresh(), { workerThreads: 1, batchDocuments: 1 }, false);
    const two = await script(await fresh(), { workerThreads: 2, batchDocuments: 64 }, true);
    expect(two).toEqual(one);
    expect(one.filter((e) => e.type === 'DatasetAccepted')).toHaveLength(4);
  });

  it('reprocess --verify: recomputes a decision against the pool as of its upload and says whether kept documents and tokens match', async () => {
    const w = await fresh();
    await upload(w, 'a', file('GPL-2', 'LGPL-2'), { owner: { contributorId: 'alice' } });
    await upload(w, 'b', file('Artistic', 'GPL-2', 'LGPL-2.1', 'BSD'), { owner: { contributorId: 'bob' } });
    startProcessor(w);
    await settled(w);
    await withdraw(w, 'a');
    await w.processor!.stop();
    // Withdrawn after b's upload: b must still be recomputed against a pool holding a.
    const ok = await reprocessDataset('b', { events: w.events, blobs: w.blobs, openSource: blankLineTextSource, workerThreads: 1 });
    expect(ok.differences).toEqual([]);
    expect(ok.matches).toBe(true);
    expect(ok.recomputed.documentsKept).toBe(2);

    // A decision that does not follow from the file is caught.
    await upload(w, 'forged', file('GPL-1'), { owner: { contributorId: 'eve' } });
    const pipeline = resolvePipeline(DEFAULT_PIPELINE);
    const at = new Date().toISOString();
    const data = {
      datasetId: 'forged',
      pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash },
      documentsIn: 1,
      documentsKept: 1,
      removed: {},
      duplicatesOfEarlier: 0,
      manifestRoot: '0'.repeat(64),
      reportBlobRef: ok.recorded.reportBlobRef!,
      preprocessedAt: at,
    };
    await w.events.appendToStream(
      streamNames.dataset('forged'),
      [
        { type: 'DatasetPreprocessed', data },
        { type: 'DatasetTokensCounted', data: { datasetId: 'forged', tokenizer: 'o200k_base', tokens: '999999', countedAt: at } },
        {
          type: 'DatasetAccepted',
          data: { kind: 'contribution', contributorId: 'eve', datasetId: 'forged', tokens: '999999', acceptedAt: at },
        },
      ],
      { expectedRevision: 0 },
    );
    const bad = await reprocessDataset('forged', { events: w.events, blobs: w.blobs, openSource: blankLineTextSource, workerThreads: 1 });
    expect(bad.matches).toBe(false);
    expect(bad.differences.map((d) => d.split(':')[0])).toEqual(['tokens', 'manifestRoot']);
  });
});
