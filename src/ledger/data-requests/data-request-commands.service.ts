import { Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@1tt/access';
import { decideOnStream, readStreamSnapshot } from '@1tt/command-path';
import { ForbiddenError, ValidationError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { assertId, consumerDecider, dataRequestDecider, fold, streamNames, type ConsumerEvent, type DataRequestClosed } from '@1tt/ledger';
import { Clock, IdGenerator } from '../clock';
import type { OpenDataRequestRequest } from './open-data-request.request.dto';

/**
 * POST and DELETE /v1/data-requests: read → fold → decide → append through
 * the one command path, on stream `datarequest-<requestId>`.
 */
@Injectable()
export class DataRequestCommands {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async open(by: Principal, body: OpenDataRequestRequest): Promise<{ requestId: string }> {
    let consumerId: string;
    if (by.role === 'consumer') {
      if (body.consumerId !== undefined && body.consumerId !== by.subjectId)
        throw new ForbiddenError('outside-scope', 'A consumer opens data requests for itself only', { field: 'consumerId' });
      consumerId = by.subjectId;
    } else {
      if (body.consumerId === undefined)
        throw new ValidationError('invalid-request', 'consumerId is required when an admin opens a data request', {
          field: 'consumerId',
          hint: 'Name the consumer the request is for.',
        });
      consumerId = assertId(body.consumerId, 'consumerId');
    }
    const requestId = this.ids.next();
    const { consumerId: _omit, ...fields } = body;
    void _omit;
    await decideOnStream(
      this.events,
      streamNames.dataRequest(requestId),
      dataRequestDecider,
      { type: 'OpenDataRequest', data: { ...fields, requestId, consumerId } },
      {
        context: async () => {
          const consumer = await readStreamSnapshot(this.events, streamNames.consumer(consumerId));
          const state = fold(consumerDecider, consumer.events as unknown as ConsumerEvent[]);
          return { now: this.clock.now(), consumerRegistered: state.status === 'registered' };
        },
        actor: actorOf(by),
        correlationId: requestId,
      },
    );
    return { requestId };
  }

  async close(by: Principal, requestId: string): Promise<DataRequestClosed['data']> {
    const id = assertId(requestId, 'id');
    const decision = await decideOnStream(
      this.events,
      streamNames.dataRequest(id),
      dataRequestDecider,
      { type: 'CloseDataRequest', data: { requestId: id, requestedBy: { role: by.role, id: by.subjectId } } },
      { context: () => ({ now: this.clock.now() }), actor: actorOf(by), correlationId: id, attempts: 3 },
    );
    return (decision.decided[0] as DataRequestClosed).data;
  }
}
