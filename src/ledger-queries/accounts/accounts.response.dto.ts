import { ConsumerScopeDto } from '../../ledger/agreement/set-agreement.request.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';
import { NAME_NOTE } from '../../directory/display-name.api';

const MONEY = 'Per currency (ISO 4217 code → decimal string in the currency\'s minor-unit precision, e.g. {"EUR": "12.34"}).';

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
  @ApiProperty({
    nullable: true,
    type: String,
    description: "α of that report; null for a contributor unless the consumer's agreement has revenueVisibility gross.",
  })
  alpha!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "R_API of that report; null for a contributor unless the consumer's agreement has revenueVisibility gross.",
  })
  revenueAmount!: string | null;
  @ApiProperty({ description: 'floor(R_API × α): the pool this expected payout is a share of (always shown).' }) poolAmount!: string;
  @ApiProperty({ description: 'floor(T_i / ΣT × (R_API × α)) in minor units, as a decimal string.' }) amount!: string;
}

export class ContributorMetricsResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
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
  @ApiProperty({
    type: [ExpectedPayoutPartDto],
    description: "expectedPayout per consumer (a consumer with a scope: the contributor's share of its eligible pool, ΣT_c).",
  })
  expectedPayoutByConsumer!: ExpectedPayoutPartDto[];
  @ApiProperty({
    type: () => [ConsumerShareDto],
    description:
      "Issue #14: per consumer that reported revenue, the contributor's tokens eligible under its agreement's scope, ΣT_c, the ratio and the expected payout of its latest report's pool.",
  })
  byConsumer!: ConsumerShareDto[];
}

export class ConsumerShareDto {
  @ApiProperty() consumerId!: string;
  @ApiProperty({ nullable: true, type: () => ConsumerScopeDto, description: 'The scope of its agreement in force; null: the whole pool.' })
  scope!: ConsumerScopeDto | null;
  @ApiProperty({ description: "The contributor's tokens this consumer pays for (decimal string)." }) eligibleTokens!: string;
  @ApiProperty({ description: "ΣT_c: every contributor's tokens it pays for." }) totalEligibleTokens!: string;
  @ApiProperty({ description: 'eligibleTokens / ΣT_c, 12 decimals rounded down.' }) contributionRatio!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: "The contributor's share of its latest report's pool amount, floored (as expectedPayoutByConsumer)." })
  expectedPayout!: string;
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
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [ContributorPayoutDto], description: 'In log order.' }) items!: ContributorPayoutDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PayableCurrencyDto {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'Σ allocations of payout runs, net of correction adjustments.' }) allocated!: string;
  @ApiProperty({ description: 'Σ settlements (money paid out).' }) paidOut!: string;
  @ApiProperty({ description: 'allocated − paidOut (signed).' }) balance!: string;
  @ApiProperty({
    description:
      'max(0, balance) − reserved: what the platform owes the contributor and has not put in a payout batch (what a new batch or a manual settlement may take).',
  })
  payable!: string;
  @ApiProperty({
    description:
      'Owed money in payout batches the bank has not answered for yet (lines reserved or held); payable again only if the reconciliation releases the line.',
  })
  reserved!: string;
  @ApiProperty({ description: 'max(0, −balance): overpaid after a correction, recovered from later allocations.' }) recoverable!: string;
}

export class PayableRowDto {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({
    type: [PayableCurrencyDto],
    description: 'One entry per currency the contributor has money in (only `currency` when filtered).',
  })
  currencies!: PayableCurrencyDto[];
}

export class PayablesPage {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({
    type: [PayableRowDto],
    description: 'In contributor id order; contributors with a zero balance only with includeSettled=true.',
  })
  items!: PayableRowDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
