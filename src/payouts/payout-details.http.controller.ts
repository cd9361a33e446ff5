import { Body, Controller, UseInterceptors, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { assertId } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';
import { PayoutDetailsService } from './payout-details.service';
import { PayoutDetailsResponse, SetPayoutDetailsRequest } from './payout-details.request.dto';

@ApiTags('payouts')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/contributors')
export class PayoutDetailsHttpController {
  constructor(private readonly details: PayoutDetailsService) {}

  @Put(':id/payout-details')
  @Roles('contributor')
  @ApiOperation({
    operationId: 'setPayoutDetails',
    summary:
      'Set where the contributor is paid (the contributor only): {holderName, iban | email, country}. The IBAN check digits are validated; the details are stored only encrypted under the contributor’s own key and answered masked.',
  })
  @ApiOkResponse({ type: PayoutDetailsResponse })
  async set(
    @Param('id') id: string,
    @Body() body: SetPayoutDetailsRequest,
    @CurrentPrincipal() by: Principal,
  ): Promise<PayoutDetailsResponse> {
    const contributorId = assertId(id, 'id');
    assertContributorAccess(by, contributorId);
    return this.details.set(contributorId, { ...body }, by);
  }

  @Get(':id/payout-details')
  @Roles('contributor', 'admin')
  @ApiOperation({ operationId: 'getPayoutDetails', summary: 'The payout details, masked (the contributor or an admin).' })
  @ApiOkResponse({ type: PayoutDetailsResponse })
  @ApiNotFoundResponse({ description: 'payout-details-not-set, payout-details-erased or contributor-not-found.' })
  async get(@Param('id') id: string, @CurrentPrincipal() p: Principal): Promise<PayoutDetailsResponse> {
    const contributorId = assertId(id, 'id');
    assertContributorAccess(p, contributorId);
    return this.details.get(contributorId);
  }
}
