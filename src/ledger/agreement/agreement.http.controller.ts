import { Body, Controller, Get, Param, Put, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { canReadConsumer, type Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { assertId, consumerDecider, fold, streamNames, type ConsumerEvent } from '@1tt/ledger';
import type { ExpectedRevision } from '@1tt/event-store';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { IfMatchRevision, setEtag } from '../../http/etag';
import { readStreamSnapshot } from '@1tt/command-path';
import { AgreementResponse, SetAgreementRequest } from './set-agreement.request.dto';
import { SetAgreement } from './set-agreement.command';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/consumers')
export class AgreementHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly events: EventStore,
  ) {}

  @Get(':id/agreement')
  @Roles('admin', 'auditor', 'consumer')
  @ApiOperation({
    operationId: 'getAgreement',
    summary:
      "A consumer's current revenue-share agreement (admin, auditor; a consumer its own). ETag = the consumer stream's revision: send it as If-Match on PUT.",
  })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiNotFoundResponse({ description: 'No such consumer (also for another consumer), or no agreement set yet (agreement-not-found).' })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AgreementResponse> {
    const consumerId = assertId(id, 'id');
    const snapshot = canReadConsumer(by, consumerId) ? await readStreamSnapshot(this.events, streamNames.consumer(consumerId)) : undefined;
    const state = snapshot ? fold(consumerDecider, snapshot.events as unknown as ConsumerEvent[]) : undefined;
    if (!snapshot || snapshot.revision === undefined || state?.status !== 'registered') {
      throw new NotFoundError('consumer-not-found', `No consumer ${consumerId}`, { field: 'id', hint: 'GET /v1/consumers lists them.' });
    }
    const agreement = state.agreements.at(-1);
    if (!agreement) {
      throw new NotFoundError('agreement-not-found', `Consumer ${consumerId} has no agreement yet`, {
        field: 'id',
        hint: 'An admin sets one with PUT /v1/consumers/{id}/agreement (no If-Match needed for the first).',
      });
    }
    setEtag(res, snapshot.revision);
    return { consumerId, ...agreement, revision: snapshot.revision };
  }

  @Put(':id/agreement')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Set a consumer's revenue-share agreement (admin). ETag = the consumer stream's revision; If-Match refuses a lost update (412).",
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of your last read, e.g. "3".' })
  @ApiOkResponse({ type: AgreementResponse })
  async put(
    @Param('id') id: string,
    @Body() body: SetAgreementRequest,
    @IfMatchRevision() expected: ExpectedRevision | undefined,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AgreementResponse> {
    const consumerId = assertId(id, 'id');
    const ifMatch = expected === 'exists' || typeof expected === 'number' ? expected : undefined;
    const r = await this.commands.execute(new SetAgreement(consumerId, body, ifMatch, by));
    setEtag(res, r.revision);
    return { ...r.agreement, revision: r.revision };
  }
}
