import type { Projection } from '@1tt/read-models';
import { accountsProjection } from './accounts/accounts.projection';
import { auditTrailProjection } from './audit-trail/audit-trail.projection';
import { poolProjection } from './pool/pool.projection';
import { revenueProjection } from './revenue/revenue.projection';
import { reputationProjection } from './reputation/reputation.projection';
import { dataRequestsProjection } from './data-requests/data-requests.projection';

/** Every read model of the ledger's read side (each run by its own ProjectionRunner). */
export const LEDGER_PROJECTIONS: readonly Projection[] = [
  poolProjection,
  revenueProjection,
  accountsProjection,
  auditTrailProjection,
  reputationProjection,
  dataRequestsProjection,
];
