import { Command } from '@nestjs/cqrs';
import type { Principal } from '@1tt/access';

export interface RevenueCorrectionView {
  correctionId: string;
  revenueId: string;
  currency: string;
  previousAmount: string;
  amount: string;
  reversal: boolean;
  reason: string;
}

export interface RevenueCorrectionOutcome {
  /** false when this was a retry of an earlier identical correction (HTTP 200 instead of 201). */
  created: boolean;
  body: RevenueCorrectionView;
}

/** Restate ({amount}) or reverse ({reverse: true}) a revenue report, idempotently per key. */
export class CorrectRevenue extends Command<RevenueCorrectionOutcome> {
  constructor(
    readonly revenueId: string,
    readonly idempotencyKey: string,
    readonly input: { amount?: unknown; reverse?: unknown; reason: unknown },
    readonly by: Principal,
  ) {
    super();
  }
}
