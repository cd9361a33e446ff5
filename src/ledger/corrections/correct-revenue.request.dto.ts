import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class CorrectRevenueRequest {
  @ApiPropertyOptional({
    description: "The amount the report should have had: a decimal string in the report's currency, > 0. Omit it when reversing.",
    example: '1000.00',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  amount?: string;

  @ApiPropertyOptional({
    description: 'true: reverse the report (its amount becomes zero). Omit it when restating an amount.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  reverse?: boolean;

  @ApiProperty({
    description: 'Why the report is corrected (1-500 printable characters); recorded in the log.',
    example: 'reported 100× too much',
  })
  @IsString()
  @MaxLength(500)
  reason!: string;
}

export class RevenueCorrectionResponse {
  @ApiProperty({ description: 'Deterministic per (revenue, Idempotency-Key).' }) correctionId!: string;
  @ApiProperty() revenueId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'The amount in force before this correction.' }) previousAmount!: string;
  @ApiProperty({ description: 'The corrected amount (zero for a reversal).' }) amount!: string;
  @ApiProperty() reversal!: boolean;
  @ApiProperty() reason!: string;
}
