import type { BlobStore } from '@1tt/blob-store';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { isReportHeader, readReport } from '@1tt/dataset-processing';
import type { EventStore } from '@1tt/event-store';
import {
  MAX_EXCLUDED_PER_REQUEST,
  streamNames,
  type DataUse,
  type DatasetConsentChanged,
  type DatasetDocumentsExcluded,
  type DatasetPreprocessed,
  type ReportedDocument,
} from '@1tt/ledger';
import type { Viewer } from './read-model/dataset.query';
import { visibleTo } from './dataset-withdraw.handler';

export interface DatasetConsentView {
  datasetId: string;
  uses: DataUse[];
  /** Log position from which the uses apply (absent when nothing changed). */
  position?: number;
}

/**
 * PUT /v1/datasets/{id}/consent (issue #14): the owner changes the uses the
 * dataset grants, through the one command path (the ledger's dataset
 * decider: owner only, a contribution not rejected or withdrawn). It applies
 * from the event's log position: runs of revenue reported before it stand.
 * The same uses again record nothing.
 */
export async function changeDatasetConsent(
  events: EventStore,
  datasetId: string,
  uses: unknown,
  actor: Viewer,
  now: Date = new Date(),
): Promise<DatasetConsentView> {
  const decision = await decideOnStream(
    events,
    streamNames.dataset(datasetId),
    visibleTo(actor, datasetId),
    { type: 'ChangeDatasetConsent', data: { datasetId, requestedBy: { role: actor.role, id: actor.id }, uses } },
    { context: () => ({ now }), actor: `${actor.role}:${actor.id}`, correlationId: datasetId, attempts: 3 },
  );
  const changed = decision.decided[0] as DatasetConsentChanged | undefined;
  if (changed) return { datasetId, uses: changed.data.uses, position: decision.append?.position };
  const state = decision.state;
  return { datasetId, uses: state.status === 'none' ? [] : [...state.uses] };
}

export interface DocumentsExcludedView {
  datasetId: string;
  indexes: number[];
  /** Tokens that left the pool. */
  tokens: string;
  position?: number;
}

/**
 * POST /v1/datasets/{id}/exclusions (issue #14): the owner takes documents
 * out of every future use. Each document's kept tokens, language and class
 * are read from the dataset's per-document report (the filtering result) and
 * recorded in DatasetDocumentsExcluded, so the pool fold (and the audit)
 * needs nothing but the log. The report is scanned once, streaming.
 */
export async function excludeDocuments(
  events: EventStore,
  blobs: BlobStore,
  datasetId: string,
  indexes: unknown,
  actor: Viewer,
  now: Date = new Date(),
): Promise<DocumentsExcludedView> {
  const wanted = Array.isArray(indexes) && indexes.length <= MAX_EXCLUDED_PER_REQUEST ? new Set(indexes) : new Set<unknown>();
  const documents = new Map<number, ReportedDocument>();
  const snapshot = await readStreamSnapshot(events, streamNames.dataset(datasetId));
  const preprocessed = snapshot.events.find((e) => e.type === 'DatasetPreprocessed')?.data as DatasetPreprocessed['data'] | undefined;
  if (preprocessed && wanted.size > 0) {
    for await (const line of readReport(blobs, preprocessed.reportBlobRef)) {
      if (isReportHeader(line) || !wanted.has(line.index)) continue;
      documents.set(line.index, {
        kept: line.kept,
        tokens: line.tokens,
        ...(line.language !== undefined ? { language: line.language } : {}),
        ...(line.contentClass !== undefined ? { contentClass: line.contentClass } : {}),
      });
    }
  }
  const decision = await decideOnStream(
    events,
    streamNames.dataset(datasetId),
    visibleTo(actor, datasetId),
    { type: 'ExcludeDocuments', data: { datasetId, requestedBy: { role: actor.role, id: actor.id }, indexes } },
    { context: () => ({ now, documents }), actor: `${actor.role}:${actor.id}`, correlationId: datasetId, attempts: 3 },
  );
  const excluded = decision.decided[0] as DatasetDocumentsExcluded;
  return {
    datasetId,
    indexes: excluded.data.documents.map((d) => d.index),
    tokens: excluded.data.tokens,
    position: decision.append?.position,
  };
}
