import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { CurrencyField, MoneyAmountField } from '../money-request.fields';

export class ReportRevenueRequest {
  @MoneyAmountField("Revenue as a decimal string in the agreement's currency, > 0, no more decimals than the currency has.", '1250.00')
  amount!: string;

  @CurrencyField()
  currency!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2025-01-01T00:00:00Z',
    description: 'ISO-8601 with a zone, a real calendar time in 1970-2199, at most millisecond precision (2026-02-30 or T24:00 is 400).',
  })
  @IsString()
  @MaxLength(40)
  periodStart!: string;

  @ApiProperty({ format: 'date-time', example: '2025-02-01T00:00:00Z' })
  @IsString()
  @MaxLength(40)
  periodEnd!: string;
}

export class RevenueAcceptedResponse {
  @ApiProperty() revenueId!: string;
  @ApiProperty({ enum: ['recorded'], description: 'The report is in the log; its payout run follows (GET /v1/payout-runs/{revenueId}).' })
  status!: string;
}
