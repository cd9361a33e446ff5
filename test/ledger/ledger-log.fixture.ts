import type { EventStore, RecordedEvent } from '@1tt/event-store';

/**
 * Puts a dataset into the pool the way the upload pipeline does (uploaded,
 * tokens counted, accepted), in one append so no processing job ever sees it
 * undecided. Used where a test needs a pool, not the preprocessing.
 */
export async function acceptDataset(events: EventStore, datasetId: string, contributorId: string, tokens: number): Promise<number> {
  const r = await events.appendToStream(
    `dataset-${datasetId}`,
    [
      {
        type: 'DatasetUploaded',
        data: { datasetId, kind: 'contribution', contributorId, fileName: `${datasetId}.txt`, format: 'txt', compression: 'none', textField: 'text', sizeBytes: tokens * 4, sha256: datasetId.padEnd(64, '0').slice(0, 64), blobRef: `sha256:${datasetId}` },
      },
      { type: 'DatasetTokensCounted', data: { datasetId, tokenizer: 'o200k_base', tokens } },
      { type: 'DatasetAccepted', data: { datasetId } },
    ],
    { expectedRevision: 'no-stream' },
  );
  return r.position;
}

export async function withdrawDataset(events: EventStore, datasetId: string): Promise<number> {
  const r = await events.appendToStream(`dataset-${datasetId}`, [{ type: 'DatasetWithdrawn', data: { datasetId } }], { expectedRevision: 2 });
  return r.position;
}

export async function payoutRunEvents(events: EventStore, revenueId: string): Promise<RecordedEvent[]> {
  return events.readStream(`payout-run-${revenueId}`);
}

export interface RunAllocationView {
  contributorId: string;
  tokens: string;
  weight: string;
  amount: string;
}
export type PayoutRunView = Record<string, unknown> & { chunkCount: number; allocations: RunAllocationView[] };

/** The completion event's data with the allocations of every chunk gathered. */
export async function payoutRun(events: EventStore, revenueId: string): Promise<PayoutRunView> {
  const recorded = await payoutRunEvents(events, revenueId);
  const completed = recorded.find((e) => e.type === 'PayoutRunCompleted');
  if (!completed) throw new Error(`run ${revenueId} has no PayoutRunCompleted`);
  const data = completed.data as PayoutRunView;
  const chunks = recorded.filter((e) => e.type === 'PayoutRunChunkRecorded').flatMap((e) => (e.data as { allocations: RunAllocationView[] }).allocations);
  return { ...data, allocations: data.chunkCount > 0 ? chunks : data.allocations };
}
