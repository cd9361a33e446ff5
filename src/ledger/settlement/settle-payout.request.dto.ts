import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';

export class SettlePayoutRequest {
  @ApiProperty({ description: 'Amount paid out, decimal string in the currency, at most the payable balance.', example: '12.50' })
  @IsString()
  @MaxLength(40)
  amount!: string;

  @ApiProperty({ example: 'USD' })
  @IsString()
  @MaxLength(8)
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
