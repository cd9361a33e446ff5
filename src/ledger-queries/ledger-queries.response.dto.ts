import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const POSITION =
  'The log position this answer reflects: min(asked for, what the read models have applied). Re-ask with atPosition=<this> for the same answer.';
/** Beside every party id (src/directory/party-names.interceptor.ts). */
export const NAME_NOTE =
  "The party's display name. null when the directory does not know the id, or when the caller may not see it: a contributor's name is shown to admin, auditor and that contributor only.";

const MONEY = 'Per currency (ISO 4217 code → decimal string in the currency\'s minor-unit precision, e.g. {"EUR": "12.34"}).';

export class PoolEntryDto {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: 'Tokens in the pool (accepted, counted, not withdrawn), as a decimal string.' }) tokens!: string;
  @ApiProperty({ description: 'tokens / ΣT, a decimal string with 12 decimals rounded down.' }) ratio!: string;
  @ApiPropertyOptional({
    description:
      "Tokens per dataset in the pool: on the caller's own entry for a contributor; for admin/auditor with includeDatasets=true. Never other contributors' datasets.",
  })
  datasets?: Record<string, string>;
}

export class PoolResponse {
  @ApiProperty({ description: POSITION }) position!: number;
  @ApiProperty({ description: 'ΣT: all tokens in the pool.' }) totalTokens!: string;
  @ApiProperty() contributorCount!: number;
  @ApiProperty({ type: [PoolEntryDto], description: 'In contributor id order; paginated (cursor, limit ≤ 1000, default 1000).' })
  contributors!: PoolEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CurrencyMetricsDto {
  @ApiProperty() currency!: string;
  @ApiProperty() currentRevenue!: string;
  @ApiProperty() expectedPayout!: string;
  @ApiProperty() paidOut!: string;
  @ApiProperty() balance!: string;
  @ApiProperty() payable!: string;
  @ApiProperty() recoverable!: string;
}

export class ExpectedPayoutPartDto {
  @ApiProperty() consumerId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) consumerDisplayName?: string | null;
  @ApiProperty({ description: "The consumer's most recent revenue report (by log position), the basis of the estimate." })
  revenueId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'α of that report.' }) alpha!: string;
  @ApiProperty({ description: 'R_API of that report.' }) revenueAmount!: string;
  @ApiProperty({ description: 'floor(T_i / ΣT × (R_API × α)) in minor units, as a decimal string.' }) amount!: string;
}

export class ContributorMetricsResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: POSITION }) position!: number;
  @ApiProperty({ description: 'Contribution ratio T_i / ΣT now (at `position`), 12 decimals rounded down.' }) contributionRatio!: string;
  @ApiProperty({ description: "Contribution token count T_i: tokens of the contributor's accepted datasets after filtering and dedup." })
  tokens!: string;
  @ApiProperty({ description: 'ΣT at `position`.' }) totalTokens!: string;
  @ApiProperty({ description: `Current monetary revenue: the total allocated to the contributor by payout runs to date. ${MONEY}` })
  currentRevenue!: Record<string, string>;
  @ApiProperty({
    description:
      "Expected payout: the estimate for the next period, per currency. For each consumer, its most recent revenue report R_API and α, times the contributor's CURRENT ratio: " +
      'floor(T_i / ΣT × floor(R_API × α)) in minor units (T_i and ΣT at `position`); summed over consumers per currency. ' +
      'It is an estimate: the real run uses the pool as of its own report. ' +
      MONEY,
  })
  expectedPayout!: Record<string, string>;
  @ApiProperty({ description: `Settled to the contributor (PayoutSettled). ${MONEY}` }) paidOut!: Record<string, string>;
  @ApiProperty({
    description: `currentRevenue − paidOut: allocated but not yet settled; negative when a correction took back more than was unpaid. ${MONEY}`,
  })
  balance!: Record<string, string>;
  @ApiProperty({ description: `max(0, balance): what may be settled now. ${MONEY}` }) payable!: Record<string, string>;
  @ApiProperty({
    description: `max(0, −balance): paid before a correction reduced the allocation (clawback); the next allocations recover it first, nothing is ever settled negative. ${MONEY}`,
  })
  recoverable!: Record<string, string>;
  @ApiProperty({ type: [CurrencyMetricsDto], description: 'The same figures as rows per currency.' }) currencies!: CurrencyMetricsDto[];
  @ApiProperty({ type: [ExpectedPayoutPartDto], description: 'expectedPayout per consumer.' })
  expectedPayoutByConsumer!: ExpectedPayoutPartDto[];
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
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'R_API × α, floored to minor units.' }) poolAmount!: string;
  @ApiProperty({ description: 'R_API − poolAmount.' }) remainder!: string;
  @ApiProperty({ description: 'Root hash over the allocations (see the audit lib).' }) rootHash!: string;
  @ApiProperty() roundingRule!: string;
  @ApiProperty() allocationCount!: number;
}

export class AllocationDto {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty() tokens!: string;
  @ApiProperty({ description: "tokens / the run's ΣT, 12 decimals rounded down." }) ratio!: string;
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
  @ApiProperty({ description: 'The revenue amount after the latest correction.' }) amount!: string;
  @ApiProperty() poolAmount!: string;
  @ApiProperty() remainder!: string;
  @ApiProperty() unallocated!: string;
  @ApiProperty({ description: 'Σ net allocations.' }) allocated!: string;
  @ApiProperty({ description: 'Root hash over the net allocations.' }) rootHash!: string;
  @ApiProperty({ description: 'Corrections adjusted so far.' }) corrections!: number;
}

export class PayoutRunResponse extends PayoutRunSummaryDto {
  @ApiProperty({ description: POSITION }) position!: number;
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
  @ApiProperty({ description: POSITION }) position!: number;
}

export class RevenueListPage {
  @ApiProperty({ description: POSITION }) position!: number;
  @ApiProperty({ type: [RevenueListItem], description: 'In the order they were reported (log order).' }) items!: RevenueListItem[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ContributorPayoutDto {
  @ApiProperty({
    enum: ['allocation', 'settlement', 'adjustment'],
    description: "allocation: a payout run's share; settlement: money paid out; adjustment: a correction's signed change of an allocation.",
  })
  kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'adjustment: the correction.' }) correctionId?: string | null;
  @ApiProperty() position!: number;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ nullable: true, type: String }) revenueId!: string | null;
  @ApiProperty({ nullable: true, type: String }) consumerId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) consumerDisplayName?: string | null;
  @ApiProperty({ nullable: true, type: String }) tokens!: string | null;
  @ApiProperty({ nullable: true, type: String }) ratio!: string | null;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
}

export class ContributorPayoutsPage {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: POSITION }) position!: number;
  @ApiProperty({ type: [ContributorPayoutDto], description: 'In log order.' }) items!: ContributorPayoutDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AuditTrailItemDto {
  @ApiProperty() position!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'recordedAt of the event.' }) time!: string;
  @ApiProperty() streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty({ description: "The event data; for a payout run only this contributor's allocation (dataComplete false)." }) data!: unknown;
  @ApiProperty() dataComplete!: boolean;
  @ApiProperty({ description: 'SHA-256 hash of the whole event (check it in /v1/audit/events or an export).' }) hash!: string;
  @ApiProperty() prevHash!: string;
}

export class AuditTrailPage {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: POSITION }) position!: number;
  @ApiProperty({ type: [AuditTrailItemDto], description: 'In log order.' }) items!: AuditTrailItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RawEventDto {
  @ApiProperty() position!: number;
  @ApiProperty() id!: string;
  @ApiProperty() streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() type!: string;
  @ApiProperty() time!: string;
  @ApiProperty() data!: unknown;
  @ApiProperty() metadata!: Record<string, unknown>;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export class AuditEventsResponse {
  @ApiProperty({ description: 'The last log position included (the head, or the point in time asked for).' }) position!: number;
  @ApiProperty({ type: [RawEventDto] }) items!: RawEventDto[];
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'fromPosition of the next page (the position of its first event: positions are opaque and may jump); null at the end.',
  })
  nextPosition!: number | null;
}

export class VerifyProblemDto {
  @ApiProperty({ enum: ['hash-chain', 'ledger'] }) kind!: string;
  @ApiProperty() position!: number;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class AuditVerifyResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'The last log position verified.' }) position!: number;
  @ApiProperty({ description: 'Events checked (hash chains stop at the first broken link).' }) checkedEvents!: number;
  @ApiProperty({ type: [VerifyProblemDto], description: 'At most 100.' }) problems!: VerifyProblemDto[];
  @ApiProperty({
    description: 'Counts from the ledger audit (revenue reports, payout runs recomputed, settlements, revenue awaiting payout).',
  })
  summary!: Record<string, unknown>;
}
