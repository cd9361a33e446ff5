/** Issue #20: revenue periods with impossible dates are refused over HTTP (never rolled over) and write nothing. */
import { createSecurityWorld, type SecurityWorld } from './support/security-fixture';

describe('revenue periods name real times', () => {
  let w: SecurityWorld;
  beforeAll(async () => (w = await createSecurityWorld()));
  afterAll(async () => w?.t.close());

  it.each([
    ['2026-02-30T00:00:00Z', '2026-03-31T00:00:00Z', 'time-impossible', 'periodStart'],
    ['2026-01-01T00:00:00Z', '2026-01-31T24:00:00Z', 'time-impossible', 'periodEnd'],
    ['0000-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'time-out-of-range', 'periodStart'],
    ['2026-01-01T00:00:00Z', '9999-12-31T00:00:00Z', 'time-out-of-range', 'periodEnd'],
  ])('%s – %s → 400 %s on %s, log head unchanged', async (periodStart, periodEnd, code, field) => {
    const head = await w.head();
    const r = await w.t.http
      .post('/v1/revenue')
      .set(w.t.auth(w.consumer.apiKey))
      .set('Idempotency-Key', `bad-${periodStart}-${periodEnd}`)
      .send({ amount: '10.00', currency: 'USD', periodStart, periodEnd });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ code, errors: [expect.objectContaining({ field })] });
    expect(await w.head()).toBe(head);
  });
});
