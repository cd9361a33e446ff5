import { Body, Controller, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@1tt/access';
import { assertId } from '@1tt/ledger';
import type { ExpectedRevision } from '@1tt/event-store';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { IfMatchRevision, setEtag } from '../../http/etag';
import { AgreementResponse, SetAgreementRequest } from './set-agreement.request.dto';
import { SetAgreement } from './set-agreement.command';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/consumers')
export class AgreementHttpController {
  constructor(private readonly commands: CommandBus) {}

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
