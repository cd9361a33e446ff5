import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NAME_NOTE } from '../directory/display-name.api';
import { CurrencyField, MoneyAmountField } from '../ledger/money-request.fields';

export class CreatePayoutBatchRequest {
  @CurrencyField()
  currency!: string;

  @MoneyAmountField('Smallest line: contributors whose unreserved payable balance is below it wait for a later batch.', '10.00')
  minAmount!: string;
}

class PayoutBatchLineResponse {
  @ApiProperty() lineId!: string;
  @ApiProperty({ description: 'Carried by the payment file and returned by the bank statement.' }) endToEndId!: string;
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty() amount!: string;
  @ApiProperty({ enum: ['reserved', 'settled', 'released', 'held'] }) status!: string;
  @ApiPropertyOptional({ enum: ['matched', 'failed', 'missing', 'amount-mismatch', 'currency-mismatch', 'payable-reduced'] })
  reason?: string;
  @ApiPropertyOptional() bankReference?: string;
}

export class PayoutBatchResponse {
  @ApiProperty() batchId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() minAmount!: string;
  @ApiProperty({ description: 'Sum of the lines, exact.' }) total!: string;
  @ApiProperty() lineCount!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() reconciliations!: number;
  @ApiProperty({ description: 'Lines per status.', example: { reserved: 0, settled: 2, released: 1, held: 1 } })
  counts!: Record<string, number>;
  @ApiProperty({ type: [PayoutBatchLineResponse] }) lines!: PayoutBatchLineResponse[];
}

class ReconciledLineResponse {
  @ApiProperty() lineId!: string;
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty() amount!: string;
  @ApiProperty({ enum: ['executed', 'failed', 'missing'] }) bankStatus!: string;
  @ApiPropertyOptional() bankAmount?: string;
  @ApiPropertyOptional() bankCurrency?: string;
  @ApiPropertyOptional() bankReference?: string;
  @ApiProperty({ enum: ['settled', 'released', 'held'] }) outcome!: string;
  @ApiProperty() reason!: string;
}

export class ReconciliationResponse {
  @ApiProperty() batchId!: string;
  @ApiProperty() statementSha256!: string;
  @ApiProperty({ enum: ['csv', 'camt.053'] }) statementFormat!: string;
  @ApiProperty({ type: [ReconciledLineResponse] }) lines!: ReconciledLineResponse[];
  @ApiProperty({ type: [String], description: 'Statement entries that are not lines of this batch (ignored).' }) unknownEntries!: string[];
  @ApiProperty({ type: PayoutBatchResponse }) batch!: PayoutBatchResponse;
}
