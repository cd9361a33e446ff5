import { datasetStream, type DatasetEvent } from '@1tt/dataset-processing';
import { ForbiddenError, IllegalStateError, NotFoundError } from '@1tt/domain-errors';
import { StreamNotFound, type EventStore } from '@1tt/event-store';
import type { Viewer } from './dataset-queries.service';

/**
 * DELETE /v1/datasets/{id}: read the stream, check, append DatasetWithdrawn
 * at the revision read (a concurrent change is a conflict, never a double
 * withdrawal). Only an accepted dataset can be withdrawn; its documents stop
 * blocking datasets uploaded after the withdrawal, and past verdicts and
 * payouts stay as they are.
 */
export async function withdrawDataset(events: EventStore, datasetId: string, actor: Viewer): Promise<{ datasetId: string; status: 'withdrawn' }> {
  const notFound = () => new NotFoundError('dataset_not_found', `No dataset ${datasetId}`, { field: 'id' });
  const recorded = await events.readStream(datasetStream(datasetId)).catch((e) => {
    if (e instanceof StreamNotFound) throw notFound();
    throw e;
  });
  let owner: string | undefined;
  let kind: string | undefined;
  let status = 'processing';
  for (const r of recorded) {
    const e = r as unknown as DatasetEvent;
    if (e.type === 'DatasetUploaded') {
      owner = e.data.contributorId;
      kind = e.data.kind;
    } else if (e.type === 'DatasetAccepted') status = 'accepted';
    else if (e.type === 'DatasetRejected') status = 'rejected';
    else if (e.type === 'DatasetWithdrawn') status = 'withdrawn';
  }
  const isOwner = actor.role === 'contributor' && kind === 'contribution' && owner === actor.id;
  if (actor.role !== 'admin' && !isOwner) {
    if (actor.role === 'auditor') throw new ForbiddenError('dataset.withdraw_forbidden', 'Auditors read only', { hint: 'The owner or an admin withdraws.' });
    throw notFound();
  }
  if (status !== 'accepted') {
    throw new IllegalStateError('dataset.not_withdrawable', status === 'withdrawn' ? 'The dataset is already withdrawn' : `Only an accepted dataset can be withdrawn; this one is ${status}`, {
      field: 'id',
      context: { status },
    });
  }
  await events.appendToStream(
    datasetStream(datasetId),
    [{ type: 'DatasetWithdrawn', data: { datasetId }, metadata: { actor: `${actor.role}:${actor.id}`, correlationId: datasetId, causationId: recorded[recorded.length - 1].id, schemaVersion: 1 } }],
    { expectedRevision: recorded[recorded.length - 1].revision },
  );
  return { datasetId, status: 'withdrawn' };
}
