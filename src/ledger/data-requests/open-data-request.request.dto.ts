import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsArray, IsOptional, IsString } from 'class-validator';

/** Shapes only; every rule (bounds, weight, window) is the data request decider's, answered as problem+json with its code. */
export class OpenDataRequestRequest {
  @ApiPropertyOptional({
    description: 'admin: the consumer the request is for (required). A consumer opens its own (omit, or its own id).',
  })
  @IsOptional()
  @IsString()
  consumerId?: string;

  @ApiProperty({ description: '1-200 printable characters.', example: 'German legal prose' }) @IsString() title!: string;
  @ApiProperty({ description: '1-5000 printable characters: what is wanted and why.' }) @IsString() description!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'ISO 639 codes (lid.176: "de", "en"; "zxx" for code); empty or absent = any.',
    example: ['de'],
  })
  @IsOptional()
  @IsArray()
  languages?: unknown[];

  @ApiPropertyOptional({ type: [String], description: 'prose | markdown | code | reference; empty or absent = any.', example: ['prose'] })
  @IsOptional()
  @IsArray()
  contentClasses?: unknown[];

  @ApiPropertyOptional({
    type: [String],
    description: 'A document matches when it contains one of them as a whole word, case-insensitive (at most 50, 1-100 characters each).',
    example: ['Urteil', 'Gericht'],
  })
  @IsOptional()
  @IsArray()
  keywords?: unknown[];

  @ApiPropertyOptional({
    description:
      'Or: a document matches when its word-frequency cosine similarity to this text is at least 0.3 (docs/DATA-REQUESTS.md). At most 20 000 characters.',
  })
  @Allow()
  sampleText?: unknown;

  @ApiProperty({ description: 'Tokens to credit, a whole number ≥ 1 as a string.', example: '1000000' }) @Allow() tokenTarget!: unknown;
  @ApiProperty({ description: 'How many times a credited token counts in your payout runs: decimal string, 1 < w ≤ 10.', example: '2.5' })
  @Allow()
  weight!: unknown;
  @ApiPropertyOptional({ description: 'ISO-8601 time with a zone; default now.' }) @Allow() opensAt?: unknown;
  @ApiProperty({ description: 'ISO-8601 time with a zone, after opensAt and in the future: uploads after it are not credited.' })
  @Allow()
  closesAt!: unknown;
  @ApiProperty({ description: 'ISO-8601 time with a zone, not before closesAt: credited tokens weigh `weight` times in runs until then.' })
  @Allow()
  weightUntil!: unknown;
}

export class DataRequestOpenedResponse {
  @ApiProperty() requestId!: string;
}
