import { NAME_NOTE } from '../directory/display-name.api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class SetPayoutDetailsRequest {
  @ApiProperty({ description: 'Account holder name as the bank records it (1-70 characters).', example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 70)
  holderName!: string;

  @ApiPropertyOptional({
    description: 'IBAN (checked: ISO 13616 check digits). Exactly one of iban or email.',
    example: 'DE89 3704 0044 0532 0130 00',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iban?: string;

  @ApiPropertyOptional({
    description: 'Payment e-mail address (a payment provider). Exactly one of iban or email.',
    example: 'ada@example.org',
  })
  @IsOptional()
  @IsString()
  @Length(3, 320)
  email?: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2 country of the account.', example: 'DE' })
  @IsString()
  @Length(2, 2)
  country!: string;
}

export class PayoutDetailsResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ enum: ['iban', 'email'] }) method!: string;
  @ApiProperty({ description: 'Masked: initials only.', example: 'A. L.' }) holderName!: string;
  @ApiPropertyOptional({ description: 'Masked: country and last four characters.', example: 'DE** **** 3000' }) iban?: string;
  @ApiPropertyOptional({ description: 'Masked.', example: 'a***@example.org' }) email?: string;
  @ApiProperty() country!: string;
  @ApiProperty() setAt!: string;
}
