import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ApiPointInTime, PointInTimeParams, type PointInTimeParamValues } from '../http/point-in-time.params';
import { DirectoryPageResponse } from './directory.response.dto';
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

  private list(role: PartyRole, at: PointInTimeParamValues, q: string | undefined): Promise<DirectoryPageResponse> {
    return this.directory.list(role, { ...at, q });
  }
}
