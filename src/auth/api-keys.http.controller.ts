import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiKeyRecord, Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { ApiKeyService } from './api-key.service';
import { CurrentPrincipal, Roles } from './auth.decorators';
import { ApiKeyView, IssueApiKeyRequest, IssuedApiKeyResponse, PrincipalView } from './issue-api-key.request.dto';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';
import { LocationOf } from '../http/created-location';

@ApiTags('access')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class ApiKeysHttpController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post('api-keys')
  @LocationOf('/v1/api-keys/{keyId}')
  @Roles('admin')
  @ApiOperation({ summary: 'Issue an API key for a subject and role (admin). The key is in the response only.' })
  @ApiCreatedResponse({ type: IssuedApiKeyResponse })
  issue(@Body() body: IssueApiKeyRequest, @CurrentPrincipal() by: Principal): Promise<IssuedApiKeyResponse> {
    return this.keys.issue(body, by);
  }

  @Get('api-keys/:keyId')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: "A key's record without its hash (admin, auditor)." })
  @ApiOkResponse({ type: ApiKeyView })
  async get(@Param('keyId') keyId: string): Promise<ApiKeyView> {
    const record = await this.keys.find(keyId, { fresh: true });
    if (!record) throw new NotFoundError('api-key-not-found', `No API key ${keyId}`, { field: 'keyId' });
    return view(record);
  }

  @Delete('api-keys/:keyId')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key (admin). Idempotent; takes effect on every API process as the revocation event reaches it.' })
  @ApiNoContentResponse()
  async revoke(@Param('keyId') keyId: string, @CurrentPrincipal() by: Principal): Promise<void> {
    await this.keys.revoke(keyId, by);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the presented key acts as.' })
  @ApiOkResponse({ type: PrincipalView })
  me(@CurrentPrincipal() principal: Principal): PrincipalView {
    return { role: principal.role, subjectId: principal.subjectId, keyId: principal.keyId };
  }
}

function view(r: ApiKeyRecord): ApiKeyView {
  return {
    keyId: r.keyId,
    role: r.role,
    subjectId: r.subjectId,
    ...(r.label ? { label: r.label } : {}),
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt,
    ...(r.revokedAt ? { revokedAt: r.revokedAt, revokedBy: r.revokedBy } : {}),
  };
}
