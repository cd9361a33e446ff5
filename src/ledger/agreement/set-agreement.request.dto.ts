import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CONTENT_CLASSES, DATA_USES, PAYOUT_POLICIES, REVENUE_VISIBILITIES } from '@1tt/ledger';

export class SetAgreementRequest {
  @ApiProperty({ description: 'Share of revenue paid to contributors: decimal string, 0 < α ≤ 1, at most 6 decimals.', example: '0.3' })
  @IsString()
  @MaxLength(40)
  alpha!: string;

  @ApiProperty({ description: 'ISO 4217 code of the revenue currency.', example: 'USD' })
  @IsString()
  @MaxLength(8)
  currency!: string;

  @ApiProperty({
    enum: PAYOUT_POLICIES,
    description: 'snapshot: tokens in the pool at the report; time-weighted: tokens × time in the pool during the period.',
  })
  @IsIn(PAYOUT_POLICIES as string[])
  policy!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the agreement starts to apply (default: now). Revenue keeps the agreement in effect when it was reported.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  effectiveFrom?: string;

  @ApiPropertyOptional({
    enum: REVENUE_VISIBILITIES,
    default: 'pool',
    description:
      "What contributors see of this consumer's revenue. pool (default): only the pool amount floor(R × α) of each report, enough to check their payout; gross: also the revenue R and α. Consumers, auditors and admins always see everything; `1tt audit verify` recomputes either way.",
  })
  @IsOptional()
  @IsIn(REVENUE_VISIBILITIES as string[])
  revenueVisibility?: string;

  @ApiPropertyOptional({
    type: () => ConsumerScopeDto,
    nullable: true,
    description:
      "What the consumer pays for (issue #14): a run counts only tokens of documents whose dataset grants one of `uses`, under one of `licences`, in one of `languages` and `contentClasses` (each null = any). Omitted or null: no scope, the whole pool (the paper's formula).",
  })
  @Allow()
  scope?: unknown;
}

export class ConsumerScopeDto {
  @ApiProperty({ type: [String], enum: DATA_USES, example: ['training'] }) uses!: string[];
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'ISO 639 codes as lid.176 gives them (zxx: code); null = any.',
    example: ['en'],
  })
  languages!: string[] | null;
  @ApiProperty({ type: [String], nullable: true, enum: CONTENT_CLASSES, description: 'null = any.', example: null })
  contentClasses!: string[] | null;
  @ApiProperty({ type: [String], nullable: true, description: 'SPDX identifiers; null = any (also unknown).', example: ['CC-BY-4.0'] })
  licences!: string[] | null;
}

export class AgreementResponse {
  @ApiProperty() consumerId!: string;
  @ApiProperty() alpha!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: PAYOUT_POLICIES }) policy!: string;
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ enum: REVENUE_VISIBILITIES, description: "What contributors see of this consumer's revenue (pool or gross)." })
  revenueVisibility!: string;
  @ApiPropertyOptional({ type: () => ConsumerScopeDto, description: 'The scope; absent: the whole pool.' }) scope?: ConsumerScopeDto;
  @ApiProperty({ description: 'Revision of the consumer stream (also the ETag).' }) revision!: number;
}
