import { ApiProperty } from '@nestjs/swagger';
import { ConsumerScopeDto } from '../../ledger/agreement/set-agreement.request.dto';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';
import { NAME_NOTE } from '../../directory/display-name.api';

export class RequestWeightDto {
  @ApiProperty() requestId!: string;
  @ApiProperty({ description: '1 < w ≤ 10, a decimal string.' }) weight!: string;
  @ApiProperty({ description: "Credited tokens of the run's pool that weighed w times (digit string)." }) creditedTokens!: string;
}

export class PayoutRunSummaryDto {
  @ApiProperty() revenueId!: string;
  @ApiProperty() consumerId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) consumerDisplayName?: string | null;
  @ApiProperty({ enum: ['completed'] }) status!: string;
  @ApiProperty({ description: 'Log position of the PayoutRunCompleted event.' }) runPosition!: number;
  @ApiProperty() completedAt!: string;
  @ApiProperty({ description: "The pool position the run allocated from (its revenue report's position)." }) poolPosition!: number;
  @ApiProperty({ description: 'ΣT of the pool at poolPosition.' }) totalTokens!: string;
  @ApiProperty({
    nullable: true,
    type: () => ConsumerScopeDto,
    description: "The consumer's scope the run counted under (issue #14); null: no scope, the whole pool.",
  })
  scope!: ConsumerScopeDto | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'ΣT_c: the tokens eligible under the scope at poolPosition (the ratios divide by it); null for an unscoped run.',
  })
  eligibleTokens!: string | null;
  @ApiProperty({
    type: [RequestWeightDto],
    description:
      'Data requests whose credited tokens weighed w times in this run (issue #15; weights are then tokens × 10^6 + credited × (w − 1) × 10^6, amounts follow them). Empty: every w = 1.',
  })
  requestWeights!: RequestWeightDto[];
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'R_API × α, floored to minor units.' }) poolAmount!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "R_API − poolAmount; null for a contributor unless the consumer's agreement has revenueVisibility gross (it would reveal R_API).",
  })
  remainder!: string | null;
  @ApiProperty({ description: 'Root hash over the allocations (see the audit lib).' }) rootHash!: string;
  @ApiProperty() roundingRule!: string;
  @ApiProperty() allocationCount!: number;
  @ApiProperty({ enum: ['snapshot', 'time-weighted'], description: "The agreement's allocation policy copied into the report." })
  policy?: string;
  @ApiProperty({ description: 'Σ weights the run divided by (tokens; token-seconds under time-weighted).' }) totalWeight?: string;
  @ApiProperty({ description: 'Part of poolAmount allocated to nobody (recorded, not paid).' }) unallocated?: string;
  @ApiProperty({
    enum: ['none', 'no-tokens-in-period', 'empty-pool', 'unclaimed'],
    description:
      'Why an amount stayed unallocated: none (all allocated); no-tokens-in-period (time-weighted, no tokens in the pool during the period); empty-pool (no tokens at the pool position); unclaimed (no contributor weight claimed it).',
  })
  unallocatedReason!: string;
  @ApiProperty({
    description: 'Where the money went, in words (English): the reason above with the amounts.',
    example: 'The whole pool amount (500.00 EUR) was allocated to 3 contributor(s).',
  })
  explanation!: string;
}

export class AllocationDto {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty() tokens!: string;
  @ApiProperty({ description: "tokens / the run's ΣT (a scoped run: ΣT_c), 12 decimals rounded down." }) ratio!: string;
  @ApiProperty({ description: 'Largest-remainder share of poolAmount (parts sum exactly to poolAmount), as first allocated.' })
  amount!: string;
  @ApiProperty({ description: 'amount + every adjustment of corrections: what the run allocates to the contributor now.' })
  netAmount!: string;
}

export class RunAdjustmentDto {
  @ApiProperty() correctionId!: string;
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: 'Signed decimal string: negative moves money back from the contributor.' }) amount!: string;
  @ApiProperty({ description: 'Log position of the adjustment postings.' }) position!: number;
}

export class RunNetDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The revenue amount after the latest correction; null for a contributor unless the consumer's agreement has revenueVisibility gross.",
  })
  amount!: string | null;
  @ApiProperty() poolAmount!: string;
  @ApiProperty({ nullable: true, type: String, description: 'amount − poolAmount; null where amount is.' }) remainder!: string | null;
  @ApiProperty() unallocated!: string;
  @ApiProperty({ description: 'Σ net allocations.' }) allocated!: string;
  @ApiProperty({ description: 'Root hash over the net allocations.' }) rootHash!: string;
  @ApiProperty({ description: 'Corrections adjusted so far.' }) corrections!: number;
}

export class PayoutRunResponse extends PayoutRunSummaryDto {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({
    type: [AllocationDto],
    description:
      'In contributor id order, paginated (cursor, limit). Consumer who funded it, auditor, admin: every allocation. Contributor: only their own (empty when none), never a cursor.',
  })
  allocations!: AllocationDto[];
  @ApiProperty({
    type: [RunAdjustmentDto],
    description: 'The adjustments of corrections to the allocations on this page (contributor: their own), in contributor then log order.',
  })
  adjustments!: RunAdjustmentDto[];
  @ApiProperty({
    type: RunNetDto,
    nullable: true,
    description: 'The run after corrections, re-allocated at the same pool position (null: never corrected).',
  })
  net!: RunNetDto | null;
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RevenueCorrectionDto {
  @ApiProperty() correctionId!: string;
  @ApiProperty() previousAmount!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() reversal!: boolean;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'Log position of the RevenueCorrected event.' }) position!: number;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Position of its adjustment postings (null: not yet recorded).' })
  adjustedAt!: number | null;
}

export class RevenueListItem {
  @ApiProperty() revenueId!: string;
  @ApiProperty() consumerId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) consumerDisplayName?: string | null;
  @ApiProperty({ enum: ['reported', 'paid'] }) status!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'α of the agreement in effect when reported.' }) alpha!: string;
  @ApiProperty({ nullable: true, type: String }) periodStart!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodEnd!: string | null;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ description: 'Log position of the RevenueReported event.' }) reportPosition!: number;
  @ApiProperty({ type: PayoutRunSummaryDto, nullable: true }) payoutRun!: PayoutRunSummaryDto | null;
  @ApiProperty({ description: "The amount in force: the latest correction's, or the reported amount." }) currentAmount!: string;
  @ApiProperty({ type: [RevenueCorrectionDto], description: 'Restatements and reversals, in log order.' })
  corrections!: RevenueCorrectionDto[];
}

export class RevenueResponse extends RevenueListItem {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
}

export class RevenueListPage {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [RevenueListItem], description: 'In the order they were reported (log order).' }) items!: RevenueListItem[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
