import type { EventStore, RecordedEvent } from '@1tt/event-store';
import {
  datasetDecider,
  fold,
  streamNames,
  type DatasetCommand,
  type DatasetEvent,
  type PayoutRunCompleted,
  type RecordedAllocation,
} from '@1tt/ledger';

/**
 * Puts a contribution into the pool through the ledger's dataset decider
 * (upload, preprocessing, token count, acceptance), appended in one batch so
 * no processing job ever sees it undecided. For tests that need a pool, not
 * the preprocessing.
 */
export async function acceptDataset(
  events: EventStore,
  datasetId: string,
  contributorId: string,
  tokens: number,
  now = new Date(),
): Promise<number> {
  const sha = Buffer.from(datasetId).toString('hex').padEnd(64, '0').slice(0, 64);
  const commands: DatasetCommand[] = [
    {
      type: 'RecordDatasetUpload',
      data: {
        kind: 'contribution',
        contributorId,
        datasetId,
        fileName: `${datasetId}.txt`,
        format: 'txt',
        compression: 'none',
        sizeBytes: tokens * 4,
        sha256: sha,
        blobRef: `sha256:${sha}`,
        textField: null,
      },
    },
    {
      type: 'RecordDatasetPreprocessing',
      data: {
        datasetId,
        pipeline: { name: 'test', version: '1', configHash: 'test' },
        documentsIn: 1,
        documentsKept: 1,
        removed: {},
        duplicatesOfEarlier: 0,
        manifestRoot: sha,
        reportBlobRef: `sha256:${sha}`,
      },
    },
    { type: 'RecordDatasetTokenCount', data: { datasetId, tokenizer: 'o200k_base', tokens: String(tokens) } },
    { type: 'AcceptDataset', data: { datasetId } },
  ];
  const decided: DatasetEvent[] = [];
  for (const c of commands) decided.push(...datasetDecider.decide(c, fold(datasetDecider, decided), { now, ownerRegistered: true }));
  const r = await events.appendToStream(streamNames.dataset(datasetId), decided, { expectedRevision: 'no-stream' });
  return r.position;
}

export async function withdrawDataset(events: EventStore, datasetId: string, now = new Date()): Promise<number> {
  const recorded = await events.readStream(streamNames.dataset(datasetId));
  const state = fold(datasetDecider, recorded as unknown as DatasetEvent[]);
  const owner = (recorded[0].data as { contributorId: string }).contributorId;
  const decided = datasetDecider.decide(
    { type: 'WithdrawDataset', data: { datasetId, requestedBy: { role: 'contributor', id: owner } } },
    state,
    { now },
  );
  const r = await events.appendToStream(streamNames.dataset(datasetId), decided, { expectedRevision: recorded.length - 1 });
  return r.position;
}

export async function payoutRunEvents(events: EventStore, revenueId: string): Promise<RecordedEvent[]> {
  return events.readStream(streamNames.payoutRun(revenueId));
}

export type PayoutRunView = PayoutRunCompleted['data'] & { allocations: RecordedAllocation[] };

/** The completion event's data with the allocations of every chunk gathered. */
export async function payoutRun(events: EventStore, revenueId: string): Promise<PayoutRunView> {
  const recorded = await payoutRunEvents(events, revenueId);
  const completed = recorded.find((e) => e.type === 'PayoutRunCompleted');
  if (!completed) throw new Error(`run ${revenueId} has no PayoutRunCompleted`);
  const allocations = recorded
    .filter((e) => e.type === 'PayoutRunAllocationsRecorded')
    .flatMap((e) => (e.data as { allocations: RecordedAllocation[] }).allocations);
  return { ...(completed.data as PayoutRunCompleted['data']), allocations };
}
