import { datasetDecider, type DatasetCommand, type DatasetState, type Decider, type RequestCredit } from '@1tt/ledger';
import type { ResolvedPipeline } from '@1tt/preprocessing';
import type { DatasetEvent } from './dataset-events';
import type { DatasetJobResult } from './dataset-job';
import type { DatasetEntry } from './dataset-log';

/**
 * The decision, as the ledger's dataset decider produces it from the job's
 * result: DatasetPreprocessed, DatasetTokensCounted, then DatasetAccepted
 * (something kept) or DatasetRejected; an unreadable file gives
 * DatasetRejected alone. An upload answering a data request records its
 * matching tokens (DatasetPreprocessed requestMatch) and `credit`, what
 * DataRequestBook.creditFor gives it (DatasetAccepted requestCredit).
 * Exported for tests and reprocess --verify.
 */
export function decisionEvents(
  entry: DatasetEntry,
  result: DatasetJobResult,
  pipeline: ResolvedPipeline,
  now: Date,
  credit?: RequestCredit,
): DatasetEvent[] {
  const datasetId = entry.upload.datasetId;
  const context = { now };
  let state = datasetDecider.evolve(datasetDecider.initialState, { type: 'DatasetUploaded', data: entry.upload });
  const out: DatasetEvent[] = [];
  const run = (command: DatasetCommand) => {
    for (const e of datasetDecider.decide(command, state, context)) {
      state = datasetDecider.evolve(state, e);
      out.push(e);
    }
  };
  if (result.kind === 'unreadable') {
    const r = result.rejection;
    const at = [
      r.line !== undefined ? `line ${r.line}` : '',
      r.row !== undefined ? `row ${r.row}` : '',
      r.byteOffset !== undefined ? `byte offset ${r.byteOffset}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const detail = /\(at [^)]*\)$/.test(r.message) || !at ? r.message : `${r.message} (at ${at})`;
    run({ type: 'RejectDataset', data: { datasetId, reason: r.reason, detail: detail.slice(0, 2000) } });
    return out;
  }
  const s = result.summary;
  run({
    type: 'RecordDatasetPreprocessing',
    data: {
      datasetId,
      pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash },
      documentsIn: s.documentsIn,
      documentsKept: s.documentsKept,
      removed: s.removed,
      duplicatesOfEarlier: s.duplicatesOfEarlier,
      manifestRoot: s.manifestRoot,
      reportBlobRef: s.reportBlobRef,
      ...(s.languages ? { languages: s.languages } : {}),
      ...(s.contentClasses ? { contentClasses: s.contentClasses } : {}),
      ...(credit && s.requestMatchingTokens !== undefined
        ? { requestMatch: { requestId: credit.requestId, matchingTokens: s.requestMatchingTokens } }
        : {}),
      ...(s.languageClasses ? { languageClasses: s.languageClasses } : {}),
    },
  });
  run({ type: 'RecordDatasetTokenCount', data: { datasetId, tokenizer: pipeline.tokenizer.encoding, tokens: String(s.tokens) } });
  if (s.documentsKept > 0) run({ type: 'AcceptDataset', data: { datasetId, ...(credit ? { requestCredit: credit } : {}) } });
  else
    run({
      type: 'RejectDataset',
      data: { datasetId, reason: 'no_documents_kept', detail: 'No document passed the filters and the duplicate check.' },
    });
  return out;
}

/** The dataset's decision as a decider over the stream: the job's result in, decisionEvents out. */
export function judgement(
  entry: DatasetEntry,
  credit?: RequestCredit,
): Decider<DatasetJobResult, DatasetEvent, DatasetState, { now: Date; pipeline: ResolvedPipeline }> {
  return { ...datasetDecider, decide: (result, _state, { now, pipeline }) => decisionEvents(entry, result, pipeline, now, credit) };
}
