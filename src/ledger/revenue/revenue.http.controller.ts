import { Body, Controller, Headers, Post, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@1tt/access';
import { ValidationError } from '@1tt/domain-errors';
import { idempotencyKeyOf } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ReportRevenue } from './report-revenue.command';
import { ReportRevenueRequest, RevenueAcceptedResponse } from './report-revenue.request.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/revenue')
export class RevenueHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('consumer')
  @ApiOperation({
    summary:
      'Report revenue (consumer), idempotently: 201 the first time; the same Idempotency-Key and body again → 200 with the same body; the same key with another body → 409. The agreement in effect now (α, policy) is copied into the report.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1-200 printable ASCII characters without spaces (e.g. a uuid). One key per report.',
  })
  @ApiCreatedResponse({
    type: RevenueAcceptedResponse,
    headers: { Location: { description: 'The report: /v1/revenue/{revenueId}.', schema: { type: 'string' } } },
  })
  @ApiOkResponse({ type: RevenueAcceptedResponse, description: 'A retry of an earlier identical report.' })
  @ApiConflictResponse({ description: 'The key was used for a different report.' })
  async report(
    @Body() body: ReportRevenueRequest,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevenueAcceptedResponse> {
    if (key === undefined) {
      throw new ValidationError('idempotency-key-missing', 'The Idempotency-Key header is required', {
        field: 'header.Idempotency-Key',
        hint: 'Send a unique key per report, e.g. a uuid, and the same key when retrying.',
      });
    }
    idempotencyKeyOf(key, 'header.Idempotency-Key');
    const outcome = await this.commands.execute(
      new ReportRevenue(
        by.subjectId,
        key,
        { amount: body.amount, currency: body.currency, periodStart: body.periodStart, periodEnd: body.periodEnd },
        by,
      ),
    );
    res.status(outcome.created ? 201 : 200);
    // Where the report can be read (GET /v1/revenue/{revenueId}), on the first answer and on a retry alike.
    res.setHeader('Location', `/v1/revenue/${encodeURIComponent(outcome.body.revenueId)}`);
    return outcome.body;
  }
}
