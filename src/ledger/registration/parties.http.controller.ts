import { Body, Controller, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { RegisterParty } from './register-party.command';
import {
  AuditorRegisteredResponse,
  ConsumerRegisteredResponse,
  ContributorRegisteredResponse,
  RegisterPartyRequest,
} from './register-party.request.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';
import { LocationOf } from '../../http/created-location';

@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
@Roles('admin')
export class PartiesHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('contributors')
  @LocationOf('/v1/contributors/{contributorId}')
  @ApiOperation({ summary: 'Register a contributor and issue its API key (admin). The key is in this response only.' })
  @ApiCreatedResponse({ type: ContributorRegisteredResponse })
  async contributor(@Body() body: RegisterPartyRequest, @CurrentPrincipal() by: Principal): Promise<ContributorRegisteredResponse> {
    const r = await this.commands.execute(new RegisterParty('contributor', body.displayName.trim(), by));
    return { contributorId: r.id, apiKey: r.apiKey };
  }

  @Post('consumers')
  @LocationOf('/v1/consumers/{consumerId}')
  @ApiOperation({ summary: 'Register a data consumer and issue its API key (admin).' })
  @ApiCreatedResponse({ type: ConsumerRegisteredResponse })
  async consumer(@Body() body: RegisterPartyRequest, @CurrentPrincipal() by: Principal): Promise<ConsumerRegisteredResponse> {
    const r = await this.commands.execute(new RegisterParty('consumer', body.displayName.trim(), by));
    return { consumerId: r.id, apiKey: r.apiKey };
  }

  @Post('auditors')
  @LocationOf('/v1/auditors/{auditorId}')
  @ApiOperation({ summary: 'Register an auditor and issue its API key (admin).' })
  @ApiCreatedResponse({ type: AuditorRegisteredResponse })
  async auditor(@Body() body: RegisterPartyRequest, @CurrentPrincipal() by: Principal): Promise<AuditorRegisteredResponse> {
    const r = await this.commands.execute(new RegisterParty('auditor', body.displayName.trim(), by));
    return { auditorId: r.id, apiKey: r.apiKey };
  }
}
