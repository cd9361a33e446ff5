import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { assertId } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { LocationOf } from '../../http/created-location';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { DataRequestCommands } from './data-request-commands.service';
import { DataRequestOpenedResponse, OpenDataRequestRequest } from './open-data-request.request.dto';
import { DataRequestsQuery } from '../../ledger-queries/data-requests/data-requests.query';
import { DataRequestPage, DataRequestResponse } from '../../ledger-queries/data-requests/data-requests.response.dto';

/** Data requests (issue #15): consumers ask for the data they need; docs/DATA-REQUESTS.md. */
@ApiTags('data requests')
@Controller('v1/data-requests')
export class DataRequestsHttpController {
  constructor(
    private readonly commands: DataRequestCommands,
    private readonly query: DataRequestsQuery,
  ) {}

  @Post()
  @Roles('consumer', 'admin')
  @LocationOf('/v1/data-requests/{requestId}')
  @ApiOperation({
    operationId: 'openDataRequest',
    summary:
      "Open a data request (a consumer for itself; an admin names consumerId): uploads made against it while open are credited by matching document, in log order, until tokenTarget; credited tokens weigh `weight` times in the consumer's runs until weightUntil.",
  })
  @ApiCreatedResponse({ type: DataRequestOpenedResponse })
  open(@CurrentPrincipal() by: Principal, @Body() body: OpenDataRequestRequest): Promise<DataRequestOpenedResponse> {
    return this.commands.open(by, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'listDataRequests',
    summary:
      'Data requests: a contributor sees the open ones (with remaining tokens), a consumer its own, admin and auditor all. Status is evaluated at asOf (else now). ' +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: DataRequestPage })
  list(@CurrentPrincipal() p: Principal, @PointInTimeParams() at: PointInTimeParamValues): Promise<DataRequestPage> {
    return this.query.list(p, at);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getDataRequest',
    summary: 'One data request (contributors: while open; consumers: their own; admin, auditor: all; otherwise 404). ' + POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: DataRequestResponse })
  one(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<DataRequestResponse> {
    return this.query.one(p, assertId(id, 'id'), at);
  }

  @Delete(':id')
  @Roles('consumer', 'admin')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'closeDataRequest',
    summary: 'Close a data request early (its consumer or an admin): later uploads are not credited; tokens already credited stay.',
  })
  @ApiOkResponse({ type: DataRequestResponse })
  async close(@Param('id') id: string, @CurrentPrincipal() by: Principal): Promise<DataRequestResponse> {
    const closed = await this.commands.close(by, id);
    return this.query.one(by, closed.requestId, {});
  }
}
