import { Module } from '@nestjs/common';
import { AccountsHttpController } from './accounts/accounts.http.controller';
import { ContributorMetricsQuery } from './accounts/contributor-metrics.query';
import { ContributorPayoutsQuery } from './accounts/contributor-payouts.query';
import { PayablesQuery } from './accounts/payables.query';
import { AuditLogHttpController } from './audit-log/audit-log.http.controller';
import { AuditLogQuery } from './audit-log/audit-log.query';
import { AuditTrailHttpController } from './audit-trail/audit-trail.http.controller';
import { AuditTrailQuery } from './audit-trail/audit-trail.query';
import { AuditVerifier } from './audit-verify/audit-verifier.service';
import { LedgerReadModels } from './ledger-read-models.service';
import { RevenueVisibilityPolicy } from './revenue-visibility.policy';
import { PoolHttpController } from './pool/pool.http.controller';
import { PoolQuery } from './pool/pool.query';
import { EligiblePool } from './eligible-pool/eligible-pool.service';
import { PayoutRunQuery } from './revenue/payout-run.query';
import { RevenueHttpController } from './revenue/revenue.http.controller';
import { RevenueQuery } from './revenue/revenue.query';
import { ReputationHttpController } from './reputation/reputation.http.controller';
import { ReputationQuery } from './reputation/reputation.query';
import { DataRequestsQuery } from './data-requests/data-requests.query';
import { PeriodStatementQuery } from './statements/period-statement.query';
import { StatementsHttpController } from './statements/statements.http.controller';

/**
 * The ledger's read side, one folder per read model: its projection
 * (`*.projection.ts`), its queries (`*.query.ts`), its response DTOs
 * (`*.response.dto.ts`) and its GET routes (`*.http.controller.ts`):
 * pool/, revenue/ (reports and payout runs), accounts/ (a contributor's
 * money), audit-trail/, reputation/. audit-log/ reads the log itself; statements/ assembles a
 * contributor's statement from the audit-trail index.
 * LedgerReadModels runs the projections in this process and feeds SSE;
 * the shared query parameters are parsed in src/http/point-in-time.params.ts.
 */
const QUERIES = [
  PoolQuery,
  RevenueQuery,
  PayoutRunQuery,
  ContributorMetricsQuery,
  ContributorPayoutsQuery,
  PayablesQuery,
  AuditTrailQuery,
  AuditLogQuery,
  PeriodStatementQuery,
  ReputationQuery,
  DataRequestsQuery,
];

@Module({
  controllers: [
    PoolHttpController,
    AccountsHttpController,
    AuditTrailHttpController,
    RevenueHttpController,
    AuditLogHttpController,
    StatementsHttpController,
    ReputationHttpController,
  ],
  providers: [LedgerReadModels, AuditVerifier, RevenueVisibilityPolicy, EligiblePool, ...QUERIES],
  exports: [LedgerReadModels, RevenueVisibilityPolicy, ...QUERIES],
})
export class LedgerQueriesModule {}
