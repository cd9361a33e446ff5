import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { StoreRegistry, type StoreHealthReport } from '../stores/store-registry';

@ApiTags('operations')
@Controller('health')
export class HealthHttpController {
  constructor(private readonly stores: StoreRegistry) {}

  @Get()
  @Public()
  @SkipThrottle()
  @ApiOperation({ summary: "Each store's health; 200 when all are ok, 503 otherwise. No key needed." })
  @ApiOkResponse({ description: '{ status: "ok", stores: { eventStore, readModels, blobs } }' })
  @ApiServiceUnavailableResponse({ description: '{ status: "unavailable", stores: {...} } naming the failing store' })
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: 'ok' | 'unavailable'; stores: Record<string, StoreHealthReport> }> {
    const report = await this.stores.healthReport();
    res.status(report.ok ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return { status: report.ok ? 'ok' : 'unavailable', stores: report.stores };
  }
}
