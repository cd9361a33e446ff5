import { decideOnStream } from '@1tt/command-path';
import { NotFoundError } from '@1tt/domain-errors';
import type { EventStore } from '@1tt/event-store';
import {
  datasetDecider,
  streamNames,
  type DatasetCommand,
  type DatasetContext,
  type DatasetEvent,
  type DatasetState,
  type Decider,
} from '@1tt/ledger';
import type { Viewer } from './read-model/dataset.query';

/**
 * DELETE /v1/datasets/{id}: the one command path (read the stream → fold →
 * the ledger's dataset decider → append at the revision read: a concurrent
 * change is a conflict, never a double withdrawal). The decider's rules
 * apply: only the owner withdraws (a contributor their contribution, a
 * consumer its reference corpus; not an admin on their behalf: 403), only
 * an accepted dataset (409 otherwise). Someone else's dataset is "not
 * found" to a contributor or consumer, so ids leak nothing.
 */
export async function withdrawDataset(
  events: EventStore,
  datasetId: string,
  actor: Viewer,
  now: Date = new Date(),
): Promise<{ datasetId: string; status: 'withdrawn' }> {
  await decideOnStream(
    events,
    streamNames.dataset(datasetId),
    visibleTo(actor, datasetId),
    { type: 'WithdrawDataset', data: { datasetId, requestedBy: { role: actor.role, id: actor.id } } },
    { context: () => ({ now }), actor: `${actor.role}:${actor.id}`, correlationId: datasetId },
  );
  return { datasetId, status: 'withdrawn' };
}

/** The dataset decider, seen by this viewer: a dataset that does not exist, or that a contributor or consumer does not own, is not found. */
export function visibleTo(actor: Viewer, datasetId: string): Decider<DatasetCommand, DatasetEvent, DatasetState, DatasetContext> {
  return {
    ...datasetDecider,
    decide(command, state, context) {
      const notFound = () => new NotFoundError('dataset-not-found', `No dataset ${datasetId}`, { field: 'id' });
      if (state.status === 'none') throw notFound();
      const owns =
        state.owner.kind === 'contribution'
          ? actor.role === 'contributor' && actor.id === state.owner.contributorId
          : actor.role === 'consumer' && actor.id === state.owner.consumerId;
      if ((actor.role === 'contributor' || actor.role === 'consumer') && !owns) throw notFound();
      return datasetDecider.decide(command, state, context);
    },
  };
}
