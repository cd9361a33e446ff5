/**
 * Issue #20 M2: asking for another consumer's revenue report (or its payout
 * run) must answer exactly as for an id that does not exist, so a consumer
 * learns neither that the report exists nor whose it is.
 */
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { createSecurityWorld, PERIOD, type SecurityWorld } from './support/security-fixture';

describe("another consumer's revenue report answers as a missing one (M2)", () => {
  let w: SecurityWorld;
  let revenueId: string;

  beforeAll(async () => {
    w = await createSecurityWorld();
    revenueId = (
      await w.t.http
        .post('/v1/revenue')
        .set(w.t.auth(w.consumer.apiKey))
        .set('Idempotency-Key', 'hidden-report')
        .send({ amount: '1000.00', currency: 'USD', ...PERIOD })
        .expect(201)
    ).body.revenueId;
    await w.t.get(PayoutProcessor).catchUp();
    for (let i = 0; i < 200 && (await w.t.http.get(`/v1/payout-runs/${revenueId}`).set(w.t.auth())).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
    await w.t.http.get(`/v1/revenue/${revenueId}`).set(w.t.auth(w.consumer.apiKey)).expect(200);
  });
  afterAll(async () => w?.t.close());

  /** A well-formed id of the same shape that names nothing. */
  const missingId = (): string => revenueId.replace(/[0-9a-f]/g, '0');

  it.each([
    ['the report', (id: string) => `/v1/revenue/${id}`],
    ['the report at a position', (id: string) => `/v1/revenue/${id}?atPosition=1000000`],
    ['its payout run', (id: string) => `/v1/payout-runs/${id}`],
  ])('%s: the same status, headers and body, byte for byte apart from the id', async (_name, url) => {
    {
      const key = w.otherConsumer.apiKey;
      const theirs = await w.t.http.get(url(revenueId)).set(w.t.auth(key));
      const missing = await w.t.http.get(url(missingId())).set(w.t.auth(key));
      expect(missing.status).toBe(404);
      expect(theirs.status).toBe(missing.status);
      expect(theirs.headers['content-type']).toBe(missing.headers['content-type']);
      expect(theirs.text.split(revenueId).join('<id>')).toBe(missing.text.split(missingId()).join('<id>'));
      expect(theirs.text).not.toContain(w.consumer.id);
    }
  });
});
