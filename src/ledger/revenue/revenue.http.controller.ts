import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@1tt/access';
import { ValidationError } from '@1tt/domain-errors';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ReportRevenue } from './report-revenue.command';
import { ReportRevenueRequest, RevenueAcceptedResponse } from './report-revenue.request.dto';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/revenue')
export class RevenueHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('consumer')
  @ApiOperation({
    summary:
      'Report revenue (consumer), idempotently: 201 the first time; the same Idempotency-Key and body again → 200 with the same body; the same key with another body → 409. The agreement in effect now (α, policy) is copied into the report.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1-128 characters: letters, digits, . _ : - (e.g. a uuid). One key per report.' })
  @ApiCreatedResponse({ type: RevenueAcceptedResponse })
  @ApiOkResponse({ type: RevenueAcceptedResponse, description: 'A retry of an earlier identical report.' })
  @ApiConflictResponse({ description: 'The key was used for a different report.' })
  async report(
    @Body() body: ReportRevenueRequest,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevenueAcceptedResponse> {
    if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError(key === undefined ? 'idempotency_key_missing' : 'idempotency_key_invalid', key === undefined ? 'The Idempotency-Key header is required' : 'The Idempotency-Key header is malformed', {
        field: 'header.Idempotency-Key',
        hint: 'Send a unique key per report (1-128 letters, digits, . _ : -), e.g. a uuid, and the same key when retrying.',
      });
    }
    const outcome = await this.commands.execute(new ReportRevenue(by.subjectId, key, { amount: body.amount, currency: body.currency, periodStart: body.periodStart, periodEnd: body.periodEnd }, by));
    res.status(outcome.created ? 201 : 200);
    return outcome.body;
  }
}
