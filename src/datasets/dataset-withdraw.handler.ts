import { datasetStream } from '@1tt/dataset-processing';
import { NotFoundError } from '@1tt/domain-errors';
import { StreamNotFound, type EventStore } from '@1tt/event-store';
import { datasetDecider, type DatasetEvent } from '@1tt/ledger';
import type { Viewer } from './read-model/dataset.query';

/**
 * DELETE /v1/datasets/{id}: read the stream → fold → the ledger's dataset
 * decider → append at the revision read (a concurrent change is a
 * conflict, never a double withdrawal). The decider's rules apply: only
 * the owner withdraws (a contributor their contribution, a consumer its
 * reference corpus; not an admin on their behalf: 403), only an accepted
 * dataset (409 otherwise). Someone else's dataset is "not found" to a
 * contributor or consumer, so ids leak nothing.
 */
export async function withdrawDataset(
  events: EventStore,
  datasetId: string,
  actor: Viewer,
  now: Date = new Date(),
): Promise<{ datasetId: string; status: 'withdrawn' }> {
  const notFound = () => new NotFoundError('dataset-not-found', `No dataset ${datasetId}`, { field: 'id' });
  const recorded = await events.readStream(datasetStream(datasetId)).catch((e) => {
    if (e instanceof StreamNotFound) throw notFound();
    throw e;
  });
  const state = recorded.reduce((s, r) => datasetDecider.evolve(s, r as unknown as DatasetEvent), datasetDecider.initialState);
  if (state.status === 'none') throw notFound();
  const owns =
    state.owner.kind === 'contribution'
      ? actor.role === 'contributor' && actor.id === state.owner.contributorId
      : actor.role === 'consumer' && actor.id === state.owner.consumerId;
  if ((actor.role === 'contributor' || actor.role === 'consumer') && !owns) throw notFound();
  const decided = datasetDecider.decide(
    { type: 'WithdrawDataset', data: { datasetId, requestedBy: { role: actor.role, id: actor.id } } },
    state,
    { now },
  );
  const last = recorded[recorded.length - 1];
  await events.appendToStream(
    datasetStream(datasetId),
    decided.map((e) => ({
      ...e,
      metadata: { actor: `${actor.role}:${actor.id}`, correlationId: datasetId, causationId: last.id, schemaVersion: 1 },
    })),
    { expectedRevision: last.revision },
  );
  return { datasetId, status: 'withdrawn' };
}
