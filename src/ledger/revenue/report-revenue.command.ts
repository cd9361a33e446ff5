import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';

export interface RevenueInput {
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

export interface RevenueAccepted {
  revenueId: string;
  /** Always 'recorded': a retry must get exactly the body the first call got. */
  status: 'recorded';
}

export interface RevenueReportOutcome {
  /** false when this was a retry of an earlier identical report (HTTP 200 instead of 201). */
  created: boolean;
  body: RevenueAccepted;
}

export class ReportRevenue extends Command<RevenueReportOutcome> {
  constructor(
    readonly consumerId: string,
    readonly idempotencyKey: string,
    readonly input: RevenueInput,
    readonly by: Principal,
  ) {
    super();
  }
}
