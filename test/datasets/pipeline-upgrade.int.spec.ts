/**
 * Issue #13: pipeline v2 (default-multilingual) is the default for new
 * uploads, and the upgrade rewrites no history. Datasets decided under v1
 * keep their events, verdicts and tokens (in the log, in a read model
 * replayed from scratch, and under reprocess --verify, which re-runs the
 * pipeline each result names); only datasets decided after the upgrade name
 * v2 and carry its labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import {
  DatasetProcessor,
  isReportHeader,
  readReport,
  reprocessDataset,
  type DatasetUploadedData,
  type ReportLine,
} from '@1tt/dataset-processing';
import { isStreamOf, streamNames } from '@1tt/ledger';
import { createEventStore, type EventStore, type RecordedEvent } from '@1tt/event-store';
import { DEFAULT_PIPELINE, ENGLISH_PROSE_PIPELINE_V1, knownPipelines, MULTILINGUAL_PIPELINE, resolvePipeline } from '@1tt/preprocessing';
import { ProjectionRunner, SqliteReadModelStore } from '@1tt/read-models';
import { DATASETS_COLLECTION, datasetProjection, type DatasetView } from '../../src/datasets/read-model/dataset.projection';
import { licenseText } from '../support/license-texts';
import { blankLineTextSource } from './dataset-text-source';

jest.setTimeout(180_000);

const GERMAN = [
  'Die Bibliothek stellt Funktionen für das Lesen und Schreiben von Dateien bereit, die in vielen Programmen verwendet werden.',
  'Wenn eine Datei nicht gefunden wird, gibt die Funktion einen Fehler zurück und das Programm kann darauf reagieren.',
  'Die Dokumentation beschreibt jede Option mit einem Beispiel, damit auch neue Benutzer die Werkzeuge schnell verstehen.',
  'Außerdem werden die Einstellungen in einer Datei gespeichert, die der Benutzer mit einem Texteditor ändern kann.',
  'Bei Fragen hilft die Mailingliste des Projekts, auf der sich Entwickler und Anwender gegenseitig unterstützen.',
].join(' ');

async function upload(
  events: EventStore,
  blobs: LocalBlobStore,
  datasetId: string,
  contributorId: string,
  text: string,
  pipeline?: DatasetUploadedData['pipeline'],
) {
  const put = await blobs.putBuffer(text);
  const data: DatasetUploadedData = {
    datasetId,
    kind: 'contribution',
    contributorId,
    fileName: `${datasetId}.txt`,
    format: 'txt',
    compression: 'none',
    textField: null,
    sizeBytes: put.sizeBytes,
    sha256: put.sha256,
    blobRef: put.ref,
    ...(pipeline ? { pipeline } : {}),
    uploadedAt: new Date().toISOString(),
  };
  await events.appendToStream(streamNames.dataset(datasetId), [{ type: 'DatasetUploaded', data }], { expectedRevision: 'no-stream' });
}

async function all(events: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of events.readAll({})) out.push(e);
  return out;
}

async function decide(
  events: EventStore,
  blobs: LocalBlobStore,
  pipeline?: ReturnType<typeof resolvePipeline>,
  pipelines?: ReturnType<typeof resolvePipeline>[],
): Promise<void> {
  const processor = new DatasetProcessor({
    events,
    blobs,
    openSource: blankLineTextSource,
    workerThreads: 1,
    retryDelayMs: 50,
    ...(pipeline ? { pipeline } : {}),
    ...(pipelines ? { pipelines } : {}),
  });
  processor.start();
  try {
    await processor.idleAfter(await events.headPosition());
  } finally {
    await processor.stop();
  }
}

/** The datasets read model replayed from the whole log into a fresh store. */
async function replay(events: EventStore, dir: string): Promise<Map<string, DatasetView>> {
  const store = SqliteReadModelStore.open({ path: path.join(dir, `read-models-${Date.now()}.db`) });
  const runner = new ProjectionRunner(store, events, datasetProjection);
  try {
    await runner.start();
    expect(await runner.waitFor(await events.headPosition(), 60_000)).toBe(true);
    const page = await store.find<DatasetView>(DATASETS_COLLECTION, { limit: 100 });
    return new Map(page.items.map((i) => [i.doc.datasetId, i.doc]));
  } finally {
    await runner.stop();
    await store.close();
  }
}

const pick = (v: DatasetView | undefined) =>
  v && { status: v.status, tokens: v.tokens, documentsKept: v.documentsKept, removed: v.removed, pipeline: v.pipeline };

describe('pipeline upgrade v1 → v2 (issue #13)', () => {
  it('v2 is the default and every known pipeline stays runnable', () => {
    expect(DEFAULT_PIPELINE).toBe(MULTILINGUAL_PIPELINE);
    const hashes = knownPipelines().map((p) => `${p.name} v${p.version}`);
    expect(hashes).toEqual(['default-multilingual v2', 'default-english-prose v1']);
    // v1's config hash is what results recorded before the upgrade name: it must never change.
    expect(resolvePipeline(ENGLISH_PROSE_PIPELINE_V1).configHash.slice(0, 12)).toBe('87483ea3f083');
  });

  it('leaves datasets decided under v1 as they were; new uploads are decided by v2 and name it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), '1tt-upgrade-'));
    const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    try {
      // Before the upgrade: two datasets decided by v1 (one accepted, one with German prose v1 cannot keep).
      await upload(events, blobs, 'old-en', 'alice', [licenseText('GPL-2'), licenseText('Artistic')].join('\n\n'));
      await upload(events, blobs, 'old-de', 'bob', GERMAN);
      await decide(events, blobs, resolvePipeline(ENGLISH_PROSE_PIPELINE_V1));
      const before = await all(events);
      const viewsBefore = await replay(events, dir);
      expect(viewsBefore.get('old-en')).toMatchObject({ status: 'accepted', pipeline: { name: 'default-english-prose', version: '1' } });
      expect(viewsBefore.get('old-de')).toMatchObject({ status: 'rejected' });

      // The upgrade: a processor with no pipeline given (the default) over the same log, and new uploads.
      await upload(events, blobs, 'new-de', 'bob', GERMAN.replace('Bibliothek', 'Sammlung'));
      await upload(events, blobs, 'new-en', 'carol', licenseText('BSD'));
      await decide(events, blobs);
      const after = await all(events);

      // The log before the upgrade is a prefix of the log after it, event for event.
      expect(after.slice(0, before.length)).toEqual(before);
      const appended = after.slice(before.length);
      const oldStreams = new Set(['old-en', 'old-de'].map(streamNames.dataset));
      expect(appended.filter((e) => oldStreams.has(e.streamName))).toEqual([]);

      // New decisions name v2, with its config hash and the tokens per language and class.
      const v2 = resolvePipeline(MULTILINGUAL_PIPELINE);
      const preprocessed = appended.filter((e) => e.type === 'DatasetPreprocessed' && isStreamOf('dataset', e.streamName));
      expect(preprocessed.map((e) => (e.data as { datasetId: string }).datasetId).sort()).toEqual(['new-de', 'new-en']);
      for (const e of preprocessed) {
        const d = e.data as { pipeline: unknown; languages?: Record<string, number>; contentClasses?: Record<string, number> };
        expect(d.pipeline).toEqual({ name: 'default-multilingual', version: '2', configHash: v2.configHash });
        expect(d.contentClasses).toBeDefined();
      }
      const de = preprocessed.find((e) => (e.data as { datasetId: string }).datasetId === 'new-de')!.data as {
        languages: Record<string, number>;
        reportBlobRef: string;
      };
      expect(Object.keys(de.languages)).toEqual(['de']);
      const lines = [] as ReportLine[];
      for await (const l of readReport(blobs, de.reportBlobRef)) if (!isReportHeader(l)) lines.push(l);
      expect(lines).toEqual([expect.objectContaining({ kept: true, language: 'de', contentClass: 'prose', route: 'prose' })]);

      // Replayed from scratch, the old datasets read exactly as before; the new German one is kept under v2.
      const viewsAfter = await replay(events, dir);
      for (const id of ['old-en', 'old-de']) expect(pick(viewsAfter.get(id))).toEqual(pick(viewsBefore.get(id)));
      expect(viewsAfter.get('new-de')).toMatchObject({ status: 'accepted', pipeline: { name: 'default-multilingual' } });
      expect(viewsAfter.get('old-en')!.languages ?? null).toBeNull();

      // reprocess --verify re-runs the pipeline each result names: v1 for the old, v2 for the new.
      for (const id of ['old-en', 'new-de', 'new-en']) {
        const r = await reprocessDataset(id, { events, blobs, openSource: blankLineTextSource, workerThreads: 1 });
        expect({ id, differences: r.differences }).toEqual({ id, differences: [] });
        expect(r.pipeline.name).toBe(id.startsWith('old') ? 'default-english-prose' : 'default-multilingual');
      }
    } finally {
      await events.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('judges an upload with the pipeline it recorded, whatever the judging process defaults to; one it does not know is left to a process that does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), '1tt-upgrade-'));
    const events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    const v1 = resolvePipeline(ENGLISH_PROSE_PIPELINE_V1);
    const v2 = resolvePipeline(MULTILINGUAL_PIPELINE);
    const ref = (p: typeof v2) => ({ name: p.name, version: p.version, configHash: p.configHash });
    const preprocessed = async (id: string) =>
      (await events.readStream(streamNames.dataset(id))).find((e) => e.type === 'DatasetPreprocessed')?.data as
        { pipeline: unknown; languages?: Record<string, number> } | undefined;
    try {
      // Recorded v2 (a new API process), judged by an old worker whose default is v1: decided by v2, the German text kept.
      await upload(events, blobs, 'rec-de', 'bob', GERMAN.replace('Bibliothek', 'Ablage'), ref(v2));
      await decide(events, blobs, v1);
      expect(await preprocessed('rec-de')).toMatchObject({ pipeline: ref(v2), languages: { de: expect.any(Number) } });
      expect((await replay(events, dir)).get('rec-de')).toMatchObject({ status: 'accepted', pipeline: ref(v2) });

      // And the other way round: recorded v1, judged by a v2-default process, is decided by v1 (German prose removed).
      await upload(events, blobs, 'rec-v1', 'carol', GERMAN.replace('Bibliothek', 'Kartei'), ref(v1));
      await decide(events, blobs);
      expect(await preprocessed('rec-v1')).toMatchObject({ pipeline: ref(v1) });
      expect((await preprocessed('rec-v1'))!.languages).toBeUndefined();

      // A worker of a build that knows only v1 leaves a v2 upload undecided (no claim, no analysis, no decision)...
      await upload(events, blobs, 'rec-unknown', 'dave', GERMAN.replace('Bibliothek', 'Sammlung'), ref(v2));
      const old = new DatasetProcessor({ events, blobs, openSource: blankLineTextSource, workerThreads: 1, pipeline: v1, pipelines: [v1] });
      old.start();
      try {
        await new Promise((r) => setTimeout(r, 1500));
        expect(old.pipelineFor({ upload: { pipeline: ref(v2) } } as never)).toBeUndefined();
      } finally {
        await old.stop();
      }
      expect((await events.readStream(streamNames.dataset('rec-unknown'))).map((e) => e.type)).toEqual(['DatasetUploaded']);
      // ...and a process that knows it decides it with v2.
      await decide(events, blobs, v1);
      expect(await preprocessed('rec-unknown')).toMatchObject({ pipeline: ref(v2) });
    } finally {
      await events.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
