import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { CurrencyField, MoneyAmountField } from '../money-request.fields';

export class SettlePayoutRequest {
  @MoneyAmountField('Amount paid out, decimal string in the currency, at most the payable balance.', '12.50')
  amount!: string;

  @CurrencyField()
  currency!: string;

  @ApiProperty({ description: 'The payment reference (bank transfer id, …).', example: 'SEPA-2025-0001' })
  @IsString()
  @Length(1, 200)
  @Matches(/^\P{Cc}+$/u, { message: 'reference must be printable' })
  reference!: string;
}

export class PayoutSettledResponse {
  @ApiProperty() settlementId!: string;
  @ApiProperty() contributorId!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({ description: 'Payable balance left in this currency.' }) balance!: string;
}
