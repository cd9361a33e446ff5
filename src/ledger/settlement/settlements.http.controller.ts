import { Body, Controller, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { assertId } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { SettlePayout } from './settle-payout.command';
import { PayoutSettledResponse, SettlePayoutRequest } from './settle-payout.request.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';
import { LocationOf } from '../../http/created-location';

@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/contributors')
export class SettlementsHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/settlements')
  @LocationOf('/v1/contributors/{contributorId}/payouts')
  @Roles('admin')
  @ApiOperation({ summary: 'Record a payout settled to a contributor (admin). 409 when it exceeds the payable balance in that currency.' })
  @ApiCreatedResponse({ type: PayoutSettledResponse })
  @ApiConflictResponse({
    description:
      'settlement-exceeds-payable: the amount is more than the payable balance in that currency (context.payable says how much is).',
  })
  async settle(
    @Param('id') id: string,
    @Body() body: SettlePayoutRequest,
    @CurrentPrincipal() by: Principal,
  ): Promise<PayoutSettledResponse> {
    return this.commands.execute(new SettlePayout(assertId(id, 'id'), body, by));
  }
}
