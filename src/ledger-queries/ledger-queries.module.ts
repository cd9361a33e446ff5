import { Module } from '@nestjs/common';
import { LedgerQueriesHttpController } from './ledger-queries.http.controller';
import { LedgerQueries } from './ledger-queries.service';
import { AuditVerifier } from './audit-verify/audit-verifier.service';
import { LedgerReadModels } from './ledger-read-models.service';
import { StatementsHttpController } from './statements/statements.http.controller';

/**
 * The ledger's read side: the ledger projections (run in this process),
 * their point-in-time queries, the GET routes and SSE feeding. Stores and
 * ChangeFeed come from the global modules.
 */
@Module({
  controllers: [LedgerQueriesHttpController, StatementsHttpController],
  providers: [LedgerReadModels, LedgerQueries, AuditVerifier],
  exports: [LedgerReadModels, LedgerQueries],
})
export class LedgerQueriesModule {}
