import { ValidationError } from '@1tt/domain-errors';
import fc from 'fast-check';
import { currencyExponent, formatAlpha, formatMinor, normaliseAlpha, parseAlpha, parseAmount, poolAmountOf } from './index';

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('currencies', () => {
  it('knows the ISO 4217 exponents', () => {
    expect([
      currencyExponent('USD'),
      currencyExponent('EUR'),
      currencyExponent('KRW'),
      currencyExponent('JPY'),
      currencyExponent('KWD'),
    ]).toEqual([2, 2, 0, 0, 3]);
  });
  it('refuses an unknown or lower-case code', () => {
    for (const c of ['XYZ', 'usd', '', 'toString', '__proto__']) {
      const e = refusal(() => currencyExponent(c));
      expect(e.code).toBe('currency-unknown');
      expect(e.field).toBe('currency');
      expect(e.hint).toMatch(/ISO 4217/);
    }
  });
});

describe('parseAmount', () => {
  it.each([
    ['10.00', 'USD', 1000n],
    ['10', 'USD', 1000n],
    ['0.01', 'USD', 1n],
    ['1234.5', 'EUR', 123450n],
    ['1500', 'KRW', 1500n],
    ['1500', 'JPY', 1500n],
    ['1.234', 'KWD', 1234n],
    ['007.50', 'USD', 750n],
  ])('%s %s → %s minor units', (input, currency, minor) => {
    expect(parseAmount(input, currency)).toBe(minor);
  });

  it.each([
    ['0', 'USD', 'amount-not-positive'],
    ['0.00', 'USD', 'amount-not-positive'],
    ['-5', 'USD', 'amount-not-positive'],
    ['+5', 'USD', 'amount-sign'],
    ['1.001', 'USD', 'amount-too-many-decimals'],
    ['10.00', 'USD', null],
    ['10.000', 'USD', 'amount-too-many-decimals'],
    ['1000.5', 'KRW', 'amount-too-many-decimals'],
    ['1000.0', 'JPY', 'amount-too-many-decimals'],
    ['NaN', 'USD', 'amount-not-a-number'],
    ['Infinity', 'USD', 'amount-not-a-number'],
    ['1e3', 'USD', 'amount-exponent'],
    ['1E3', 'USD', 'amount-exponent'],
    [' 10', 'USD', 'amount-whitespace'],
    ['10 ', 'USD', 'amount-whitespace'],
    ['', 'USD', 'amount-empty'],
    ['1,000.00', 'USD', 'amount-malformed'],
    ['.5', 'USD', 'amount-malformed'],
    ['5.', 'USD', 'amount-malformed'],
    ['0x10', 'USD', 'amount-malformed'],
    ['10', 'XXX', 'currency-unknown'],
    ['1'.repeat(40), 'USD', 'amount-too-large'],
  ])('%j %s is refused with %s', (input, currency, code) => {
    if (code === null) {
      expect(parseAmount(input, currency)).toBe(1000n);
      return;
    }
    const e = refusal(() => parseAmount(input, currency));
    expect(e.code).toBe(code);
    expect(e.field).toBe(code === 'currency-unknown' ? 'currency' : 'amount');
    expect(e.hint).toEqual(expect.any(String));
  });

  it('refuses a number where a string is due', () => {
    expect(refusal(() => parseAmount(10 as unknown as string, 'USD')).code).toBe('amount-not-a-string');
  });

  it('round-trips with formatMinor for every currency exponent', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 25n }), fc.constantFrom('USD', 'JPY', 'KWD', 'KRW', 'EUR'), (minor, currency) => {
        expect(parseAmount(formatMinor(minor, currency), currency)).toBe(minor);
      }),
    );
  });

  it('formats minor units with exactly the currency decimals', () => {
    expect(formatMinor(5n, 'USD')).toBe('0.05');
    expect(formatMinor(0n, 'USD')).toBe('0.00');
    expect(formatMinor(-1234n, 'EUR')).toBe('-12.34');
    expect(formatMinor(1500n, 'KRW')).toBe('1500');
    expect(formatMinor(1n, 'BHD')).toBe('0.001');
  });
});

describe('alpha', () => {
  it('parses 0 < α ≤ 1 with up to 6 decimals into millionths', () => {
    expect(parseAlpha('0.3')).toBe(300000n);
    expect(parseAlpha('1')).toBe(1000000n);
    expect(parseAlpha('0.000001')).toBe(1n);
    expect(normaliseAlpha('0.500000')).toBe('0.5');
    expect(formatAlpha(1000000n)).toBe('1');
  });
  it.each([
    ['0', 'alpha-out-of-range'],
    ['1.000001', 'alpha-out-of-range'],
    ['2', 'alpha-out-of-range'],
    ['-0.5', 'alpha-not-positive'],
    ['0.0000001', 'alpha-too-many-decimals'],
    ['3e-1', 'alpha-exponent'],
    ['', 'alpha-empty'],
  ])('%j is refused with %s', (input, code) => {
    const e = refusal(() => parseAlpha(input));
    expect(e.code).toBe(code);
    expect(e.field).toBe('alpha');
  });
  it('takes the pool as floor(amount × α)', () => {
    expect(poolAmountOf(1001n, 500000n)).toBe(500n);
    expect(poolAmountOf(1000n, 1000000n)).toBe(1000n);
    expect(poolAmountOf(99n, 1n)).toBe(0n);
  });
});
