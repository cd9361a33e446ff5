import { luhnValid, maskPiiBlock } from '@1tt/preprocessing';
import { run, textOf } from './block-test-kit';

const mask = (t: string, o = {}) => textOf(run(maskPiiBlock, t, o));

describe('mask-pii block', () => {
  it('masks e-mail addresses', () => {
    expect(mask('write to jane.doe+news@example.co.uk today')).toBe('write to <EMAIL> today');
  });
  it('masks Luhn-valid card numbers, plain or grouped, and leaves invalid ones', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(mask('card 4111 1111 1111 1111 or 5500-0000-0000-0004.')).toBe('card <CARD_NUMBER> or <CARD_NUMBER>.');
    expect(mask('order 4111111111111112 shipped')).not.toContain('<CARD_NUMBER>');
  });
  it('masks IPv4 addresses, not out-of-range quads', () => {
    expect(mask('server 192.168.1.20 and 10.0.0.1, not 256.1.1.1')).toBe('server <IP_ADDRESS> and <IP_ADDRESS>, not 256.1.1.1');
  });
  it('masks phone numbers of 9 to 15 digits, not dates, years or short numbers', () => {
    expect(mask('call +44 20 7946 0958 or (555) 123-4567 now')).toBe('call <PHONE> or <PHONE> now');
    expect(mask('on 2024-01-15 in 1999 we sold 12 34 units')).toBe('on 2024-01-15 in 1999 we sold 12 34 units');
  });
  it('masks only the kinds switched on', () => {
    expect(mask('a@b.org 10.0.0.1', { email: false })).toBe('a@b.org <IP_ADDRESS>');
  });
});
