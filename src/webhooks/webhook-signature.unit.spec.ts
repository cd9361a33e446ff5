import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = '{"id":"e1","type":"PayoutSettled"}';

  it('signs "t.body" with HMAC-SHA256, as the README tells receivers to check', () => {
    const header = signWebhookBody(secret, body, 1_700_000_000);
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: 1_700_000_010 })).toBe(true);
  });

  it('refuses another body, another secret, a stale timestamp and garbage', () => {
    const header = signWebhookBody(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature(secret, `${body} `, header, { nowSeconds: 1_700_000_000 })).toBe(false);
    expect(verifyWebhookSignature(generateWebhookSecret(), body, header, { nowSeconds: 1_700_000_000 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: 1_700_000_301 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, 't=x,v1=zz')).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
  });

  it('generates distinct 256-bit secrets', () => {
    expect(new Set(Array.from({ length: 100 }, generateWebhookSecret)).size).toBe(100);
  });
});
