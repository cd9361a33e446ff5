import { Body, Controller, Headers, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@1tt/access';
import { ValidationError } from '@1tt/domain-errors';
import { assertId, idempotencyKeyOf } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { CorrectRevenue } from './correct-revenue.command';
import { CorrectRevenueRequest, RevenueCorrectionResponse } from './correct-revenue.request.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';
import { LocationOf } from '../../http/created-location';

@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/revenue')
export class CorrectionsHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':revenueId/corrections')
  @LocationOf('/v1/payout-runs/{revenueId}')
  @Roles('consumer', 'admin')
  @ApiOperation({
    summary:
      "Restate ({amount, reason}) or reverse ({reverse: true, reason}) a revenue report (the consumer who reported it, or an admin), idempotently: 201 the first time, the same Idempotency-Key and body again → 200 with the same body, the same key with another body → 409. The report is re-allocated at its run's pool position; the differences appear as adjustments on GET /v1/payout-runs/{revenueId}. A consumer naming another consumer's report gets 404.",
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1-200 printable ASCII characters without spaces. One key per correction.',
  })
  @ApiCreatedResponse({ type: RevenueCorrectionResponse })
  @ApiOkResponse({ type: RevenueCorrectionResponse, description: 'A retry of an earlier identical correction.' })
  @ApiNotFoundResponse({ description: 'revenue-not-found: no such report, or not yours.' })
  @ApiConflictResponse({ description: 'idempotency-key-reused, or correction-unchanged (the amount is already that).' })
  async correct(
    @Param('revenueId') revenueId: string,
    @Body() body: CorrectRevenueRequest,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() by: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevenueCorrectionResponse> {
    if (key === undefined) {
      throw new ValidationError('idempotency-key-missing', 'The Idempotency-Key header is required', {
        field: 'header.Idempotency-Key',
        hint: 'Send a unique key per correction, e.g. a uuid, and the same key when retrying.',
      });
    }
    idempotencyKeyOf(key, 'header.Idempotency-Key');
    const outcome = await this.commands.execute(
      new CorrectRevenue(assertId(revenueId, 'revenueId'), key, { amount: body.amount, reverse: body.reverse, reason: body.reason }, by),
    );
    res.status(outcome.created ? 201 : 200);
    return outcome.body;
  }
}
