import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { assertId } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ContributorErasureService } from './contributor-erasure.service';

export class ErasureResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ description: 'When the erasure was recorded (the same on a repeat).' }) erasedAt!: string;
  @ApiProperty({
    enum: ['erased', 'recorded-in-clear'],
    description:
      'erased: the name was recorded sealed and can no longer be read anywhere. recorded-in-clear: the contributor was registered before names were sealed; reads show "erased" but the name stays in the log (removing it would rewrite the hash-chained history).',
  })
  displayName!: string;
  @ApiProperty({ enum: ['erased', 'none'] }) payoutDetails!: string;
}

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/contributors')
export class ContributorErasureHttpController {
  constructor(private readonly erasure: ContributorErasureService) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'eraseContributor',
    summary:
      'Erase a contributor\'s personal data (admin): their key is destroyed, so the sealed display name and payout details in the log, exports and backups can no longer be read. Events and hashes stay, money is unchanged, `1tt audit verify` still passes; reads show "erased". Idempotent.',
  })
  @ApiOkResponse({ type: ErasureResponse })
  @ApiNotFoundResponse({ description: 'contributor-not-found' })
  erase(@Param('id') id: string, @CurrentPrincipal() by: Principal): Promise<ErasureResponse> {
    return this.erasure.erase(assertId(id, 'id'), by);
  }
}
