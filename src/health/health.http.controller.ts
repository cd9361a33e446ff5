import { Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { bearerToken } from '@1tt/access';
import { ApiKeyService } from '../auth/api-key.service';
import { Public } from '../auth/auth.decorators';
import { FailedAuthenticationLimiter } from '../auth/failed-authentication.limiter';
import { ProjectionRegistry, type FollowerHealthReport, type ProjectionHealthReport } from '../stores/projection-registry';
import { StoreRegistry, type StoreHealthReport } from '../stores/store-registry';

@ApiTags('operations')
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly stores: StoreRegistry,
    private readonly projections: ProjectionRegistry,
    private readonly keys: ApiKeyService,
    private readonly failures: FailedAuthenticationLimiter,
  ) {}

  @Get()
  @Public()
  @SkipThrottle()
  @ApiOperation({
    summary:
      "Each store's health, each projection's and each other log follower's (payout and dataset processors, webhook fan-out, API-key cache) status and position; 200 when every store is ok and no projection or follower has failed, 503 otherwise. A failed one retries by itself (`retryAt`). No key needed; without an admin or auditor key, file paths in the details are hidden.",
  })
  @ApiOkResponse({
    description:
      '{ status: "ok", stores: { eventStore, readModels, blobs, dataDir }, projections: [{ name, status, position }], followers: [{ name, status, position }] }',
  })
  @ApiServiceUnavailableResponse({
    description:
      '{ status: "unavailable", stores: {...}, projections: [...], followers: [...] } naming the failing store, the failed projection ({ name, status: "failed", position, reason, event, failures, retryAt }) or the failed follower ({ name, status: "failed", position, reason, failures, retryAt })',
  })
  async health(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{
    status: 'ok' | 'unavailable';
    stores: Record<string, StoreHealthReport>;
    projections: ProjectionHealthReport[];
    followers: FollowerHealthReport[];
  }> {
    const report = await this.stores.healthReport();
    const seesPaths = await this.seesPaths(authorization, req.ip);
    // A failed projection freezes its read models at the position it stopped at: every read after it is stale, so the process is not healthy.
    const projections = this.projections
      .report()
      .map((p) => (seesPaths || p.reason === undefined ? p : { ...p, reason: hidePaths(p.reason) }));
    // A failed follower has stopped paying reports, deciding datasets or fanning out webhooks until it recovers.
    const followers = this.projections
      .followerReport()
      .map((f) => (seesPaths || f.reason === undefined ? f : { ...f, reason: hidePaths(f.reason) }));
    const ok = report.ok && projections.every((p) => p.status !== 'failed') && followers.every((f) => f.status !== 'failed');
    res.status(ok ? 200 : 503).setHeader('Cache-Control', 'no-store');
    const stores = seesPaths ? report.stores : withoutPaths(report.stores);
    return { status: ok ? 'ok' : 'unavailable', stores, projections, followers };
  }

  /** Admin and auditor keys see where the stores live; anyone else (no key, another role, a bad key) does not. */
  private async seesPaths(authorization: string | undefined, clientAddress: string | undefined): Promise<boolean> {
    const token = authorization === undefined ? undefined : bearerToken(authorization);
    if (token === undefined) return false;
    const principal = await this.keys.authenticate(token).catch(() => undefined);
    if (!principal) {
      // A bad key here counts against the address like anywhere else (so /health is no key oracle); /health itself still answers.
      try {
        this.failures.failed(clientAddress, token);
      } catch {
        // over the limit: the 429 comes on the next guarded route
      }
    }
    return principal?.role === 'admin' || principal?.role === 'auditor';
  }
}

/** Absolute file paths (DATA_DIR, database files, blob directory) give an attacker the layout of the host. */
const ABSOLUTE_PATH = /(?:^|(?<=[\s"'(=:]))\/[^\s"'),;]*/g;

function withoutPaths(stores: Record<string, StoreHealthReport>): Record<string, StoreHealthReport> {
  return Object.fromEntries(
    Object.entries(stores).map(([name, s]) => [name, s.detail === undefined ? s : { ...s, detail: hidePaths(s.detail) }]),
  );
}

function hidePaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, '[path hidden]');
}
