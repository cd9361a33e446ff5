import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/**
 * The money fields of request bodies: an amount as a decimal string (parsed
 * and range-checked by the ledger, which knows the currency's decimals) and
 * a currency code. Shape checks only; the meaning is the decider's.
 */
export function MoneyAmountField(description: string, example: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ description, example }), IsString(), MaxLength(40));
}

export function CurrencyField(): PropertyDecorator {
  return applyDecorators(ApiProperty({ example: 'USD' }), IsString(), MaxLength(8));
}
