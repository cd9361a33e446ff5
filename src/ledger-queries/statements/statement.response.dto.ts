import { ApiProperty } from '@nestjs/swagger';
import { NAME_NOTE } from '../../directory/display-name.api';

export class PeriodStatementLineDto {
  @ApiProperty({ enum: ['allocation', 'adjustment', 'settlement'] }) kind!: string;
  @ApiProperty() position!: number;
  @ApiProperty() recordedAt!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'Decimal string; adjustments are signed, settlements lower the balance.' }) amount!: string;
  @ApiProperty({ nullable: true, type: String }) revenueId!: string | null;
  @ApiProperty({ nullable: true, type: String }) consumerId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) consumerDisplayName?: string | null;
  @ApiProperty({ nullable: true, type: String }) tokens!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "ΣT at the run's pool position." }) totalTokens!: string | null;
  @ApiProperty({ nullable: true, type: String }) ratio!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The revenue amount the line derives from; null for a contributor when the consumer's agreement has revenueVisibility pool (the default).",
  })
  revenueAmount!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The pool amount floor(R × α) the line is a share of.' })
  poolAmount!: string | null;
  @ApiProperty({ nullable: true, type: String }) correctionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
}

export class PeriodStatementTotalsDto {
  @ApiProperty() currency!: string;
  @ApiProperty() opening!: string;
  @ApiProperty() allocated!: string;
  @ApiProperty() adjusted!: string;
  @ApiProperty() settled!: string;
  @ApiProperty() closing!: string;
  @ApiProperty() payable!: string;
  @ApiProperty({ description: 'Clawback: paid before a correction reduced the allocation; recovered from the next allocations.' })
  recoverable!: string;
}

export class PeriodStatementResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ description: 'The last log position read.' }) position!: number;
  @ApiProperty({ type: [PeriodStatementLineDto] }) lines!: PeriodStatementLineDto[];
  @ApiProperty({ type: [PeriodStatementTotalsDto] }) currencies!: PeriodStatementTotalsDto[];
}
