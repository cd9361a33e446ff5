import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertId } from '@1tt/ledger';
import { Roles } from '../auth/auth.decorators';
import { ApiPointInTime, PointInTimeParams, type PointInTimeParamValues } from '../http/point-in-time.params';
import { DirectoryPageResponse, PartyResponse } from './directory.response.dto';
import { PartyDirectory } from './party-directory.service';
import type { PartyRole } from './party-directory.projection';

const SEARCH = ApiQuery({ name: 'q', required: false, description: 'Part of a display name, any case (e.g. q=ada).' });

/** The admin's (and auditor's) directories of the parties: who is registered, by name. */
@ApiTags('directory')
@ApiBearerAuth()
@Controller('v1')
@Roles('admin', 'auditor')
export class DirectoryHttpController {
  constructor(private readonly directory: PartyDirectory) {}

  @Get('contributors')
  @ApiOperation({ operationId: 'listContributors', summary: 'Registered contributors by display name, searchable (admin, auditor).' })
  @ApiPointInTime({ paginated: true })
  @SEARCH
  @ApiOkResponse({ type: DirectoryPageResponse })
  contributors(@PointInTimeParams() at: PointInTimeParamValues, @Query('q') q?: string): Promise<DirectoryPageResponse> {
    return this.list('contributor', at, q);
  }

  @Get('consumers')
  @ApiOperation({ operationId: 'listConsumers', summary: 'Registered data consumers by display name, searchable (admin, auditor).' })
  @ApiPointInTime({ paginated: true })
  @SEARCH
  @ApiOkResponse({ type: DirectoryPageResponse })
  consumers(@PointInTimeParams() at: PointInTimeParamValues, @Query('q') q?: string): Promise<DirectoryPageResponse> {
    return this.list('consumer', at, q);
  }

  @Get('auditors')
  @ApiOperation({ operationId: 'listAuditors', summary: 'Registered auditors by display name, searchable (admin, auditor).' })
  @ApiPointInTime({ paginated: true })
  @SEARCH
  @ApiOkResponse({ type: DirectoryPageResponse })
  auditors(@PointInTimeParams() at: PointInTimeParamValues, @Query('q') q?: string): Promise<DirectoryPageResponse> {
    return this.list('auditor', at, q);
  }

  @Get('contributors/:id')
  @ApiOperation({ operationId: 'getContributor', summary: 'One contributor: display name and registration time (admin, auditor).' })
  @ApiPointInTime()
  @ApiOkResponse({ type: PartyResponse })
  @ApiNotFoundResponse({ description: 'contributor-not-found' })
  contributor(@Param('id') id: string, @PointInTimeParams() at: PointInTimeParamValues): Promise<PartyResponse> {
    return this.directory.get('contributor', assertId(id, 'id'), at);
  }

  @Get('consumers/:id')
  @ApiOperation({ operationId: 'getConsumer', summary: 'One data consumer: display name and registration time (admin, auditor).' })
  @ApiPointInTime()
  @ApiOkResponse({ type: PartyResponse })
  @ApiNotFoundResponse({ description: 'consumer-not-found' })
  consumer(@Param('id') id: string, @PointInTimeParams() at: PointInTimeParamValues): Promise<PartyResponse> {
    return this.directory.get('consumer', assertId(id, 'id'), at);
  }

  @Get('auditors/:id')
  @ApiOperation({ operationId: 'getAuditor', summary: 'One auditor: display name and registration time (admin, auditor).' })
  @ApiPointInTime()
  @ApiOkResponse({ type: PartyResponse })
  @ApiNotFoundResponse({ description: 'auditor-not-found' })
  auditor(@Param('id') id: string, @PointInTimeParams() at: PointInTimeParamValues): Promise<PartyResponse> {
    return this.directory.get('auditor', assertId(id, 'id'), at);
  }

  private list(role: PartyRole, at: PointInTimeParamValues, q: string | undefined): Promise<DirectoryPageResponse> {
    return this.directory.list(role, { ...at, q });
  }
}
