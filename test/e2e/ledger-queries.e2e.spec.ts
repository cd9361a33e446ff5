import { EventStore, type NewEvent } from '@1tt/event-store';
import { allocate, allocationRootHash, formatAlpha, formatMinor, ROUNDING_RULE_VERSION } from '@1tt/ledger';
import type { ReadModelDocument, ReadModelVersion } from '@1tt/read-models';
import { collectionName } from '@1tt/read-models';
import { LedgerReadModels } from '../../src/ledger-queries/ledger-read-models.service';
import { openSse } from './support/sse-client';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The ledger's read side over HTTP on the real app (embedded stores). The
 * log is seeded by appending ledger events to the event store (the shapes
 * of the catalogue the write side and the audit read), so these tests do
 * not depend on the write routes; a payout run is the payout processor's
 * when it runs in the app, else one computed here the same way.
 */

const PROBLEM = /application\/problem\+json/;

describe.each([
  ['SQLite event store', false],
  ['SQLite event store with gapped positions', true],
])('ledger read side over HTTP (%s)', (_name, gappedPositions) => {
  let t: TestApp;
  let events: EventStore;
  const keys: Record<string, string> = {};
  const at: Record<string, number> = {};

  const append = async (stream: string, list: NewEvent[]): Promise<number> => {
    const r = await events.appendToStream(
      stream,
      list.map((e) => ({ ...e, metadata: { actor: 'system:test', correlationId: stream, causationId: stream, ...e.metadata } })),
      { expectedRevision: 'any' },
    );
    return r.position;
  };
  const dataset = (id: string, contributorId: string, tokens: number) =>
    append(`dataset-${id}`, [
      {
        type: 'DatasetUploaded',
        data: {
          datasetId: id,
          kind: 'contribution',
          contributorId,
          fileName: `${id}.txt`,
          format: 'txt',
          compression: 'none',
          textField: 'text',
          sizeBytes: 10,
          sha256: id.padEnd(64, '0'),
          blobRef: `sha256:${id}`,
        },
      },
      {
        type: 'DatasetTokensCounted',
        data: { datasetId: id, tokenizer: 'o200k_base', tokens: String(tokens), countedAt: '2026-01-01T00:00:00.000Z' },
      },
      {
        type: 'DatasetAccepted',
        data: { datasetId: id, kind: 'contribution', contributorId, tokens: String(tokens), acceptedAt: '2026-01-01T00:00:00.000Z' },
      },
    ]);

  /** The payout processor's run when it writes one; otherwise the same computation here (snapshot policy). */
  async function payoutRunFor(
    revenueId: string,
    consumerId: string,
    amountMinor: bigint,
    alphaMicros: bigint,
    currency: string,
    pool: Record<string, bigint>,
    poolPosition: number,
  ): Promise<void> {
    for (let i = 0; i < 60 && !(await events.streamExists(`payout-run-${revenueId}`)); i++) await new Promise((r) => setTimeout(r, 50));
    if (await events.streamExists(`payout-run-${revenueId}`)) return;
    const poolAmount = (amountMinor * alphaMicros) / 1_000_000n;
    const ids = Object.keys(pool).sort();
    const result = allocate(
      poolAmount,
      ids.map((contributorId) => ({ contributorId, weight: pool[contributorId] })),
    );
    const allocations = result.allocations.map((a) => ({
      contributorId: a.contributorId,
      tokens: a.weight.toString(),
      weight: a.weight.toString(),
      amount: formatMinor(a.amount, currency),
    }));
    const total = ids.reduce((s, id) => s + pool[id], 0n).toString();
    const common = { revenueId, consumerId, currency };
    const report = {
      amount: formatMinor(amountMinor, currency),
      alpha: formatAlpha(alphaMicros),
      periodStart: '2026-01-01T00:00:00.000Z',
      periodEnd: '2026-02-01T00:00:00.000Z',
    };
    await events
      .appendToStream(
        `payout-run-${revenueId}`,
        [
          {
            type: 'PayoutRunStarted',
            data: { ...common, poolPosition, policy: 'snapshot', ...report, roundingRuleVersion: ROUNDING_RULE_VERSION },
          },
          { type: 'PayoutRunAllocationsRecorded', data: { ...common, chunkIndex: 0, allocations } },
          {
            type: 'PayoutRunCompleted',
            data: {
              ...common,
              poolPosition,
              policy: 'snapshot',
              amount: report.amount,
              alpha: report.alpha,
              totalTokens: total,
              totalWeight: total,
              poolAmount: formatMinor(poolAmount, currency),
              remainder: formatMinor(amountMinor - poolAmount, currency),
              unallocated: formatMinor(0n, currency),
              allocated: formatMinor(poolAmount, currency),
              chunkCount: 1,
              allocationCount: allocations.length,
              rootHash: allocationRootHash(allocations),
              roundingRuleVersion: ROUNDING_RULE_VERSION,
            },
          },
        ],
        { expectedRevision: 'no-stream' },
      )
      .catch(() => undefined);
  }

  const get = (path: string, key?: string) => t.http.get(path).set(t.auth(key));

  beforeAll(async () => {
    t = await startTestApp({ gappedPositions });
    events = t.get(EventStore);
    for (const [role, id] of [
      ['contributor', 'alice'],
      ['contributor', 'bob'],
      ['consumer', 'acme'],
      ['consumer', 'globex'],
      ['auditor', 'audrey'],
    ] as const) {
      keys[id] = (await t.issueKey(role, id)).apiKey;
    }
    await append('contributor-alice', [{ type: 'ContributorRegistered', data: { contributorId: 'alice', displayName: 'Alice' } }]);
    await append('contributor-bob', [{ type: 'ContributorRegistered', data: { contributorId: 'bob', displayName: 'Bob' } }]);
    await append('consumer-acme', [
      { type: 'ConsumerRegistered', data: { consumerId: 'acme', displayName: 'Acme' } },
      {
        type: 'RevenueShareAgreed',
        data: { consumerId: 'acme', alpha: '0.2', currency: 'EUR', policy: 'snapshot', effectiveFrom: '2020-01-01T00:00:00.000Z' },
      },
    ]);
    at.aliceOnly = await dataset('d-alice-1', 'alice', 3000);
    at.bothIn = await dataset('d-bob-1', 'bob', 1000);
    await new Promise((r) => setTimeout(r, 5));
    at.report1 = await append('revenue-rev-1', [
      {
        type: 'RevenueReported',
        data: {
          revenueId: 'rev-1',
          consumerId: 'acme',
          agreementEffectiveFrom: '2020-01-01T00:00:00.000Z',
          idempotencyKey: 'rev-1',
          inputHash: 'rev-1',
          reportedAt: new Date().toISOString(),
          amount: '1000.00',
          currency: 'EUR',
          alpha: '0.2',
          policy: 'snapshot',
          periodStart: '2026-01-01T00:00:00.000Z',
          periodEnd: '2026-02-01T00:00:00.000Z',
        },
      },
    ]);
    await payoutRunFor('rev-1', 'acme', 100000n, 200_000n, 'EUR', { alice: 3000n, bob: 1000n }, at.report1);
    at.afterRun1 = await events.headPosition();
    at.settled = await append('contributor-alice', [
      {
        type: 'PayoutSettled',
        data: { contributorId: 'alice', amount: '100.00', currency: 'EUR', reference: 'bank-1', settledAt: '2026-02-02T00:00:00.000Z' },
      },
    ]);
    // Later events: more tokens for bob, another report.
    at.bobMore = await dataset('d-bob-2', 'bob', 4000);
    at.report2 = await append('revenue-rev-2', [
      {
        type: 'RevenueReported',
        data: {
          revenueId: 'rev-2',
          consumerId: 'acme',
          agreementEffectiveFrom: '2020-01-01T00:00:00.000Z',
          idempotencyKey: 'rev-2',
          inputHash: 'rev-2',
          reportedAt: new Date().toISOString(),
          amount: '500.00',
          currency: 'EUR',
          alpha: '0.2',
          policy: 'snapshot',
          periodStart: '2026-02-01T00:00:00.000Z',
          periodEnd: '2026-03-01T00:00:00.000Z',
        },
      },
    ]);
    await payoutRunFor('rev-2', 'acme', 50000n, 200_000n, 'EUR', { alice: 3000n, bob: 5000n }, at.report2);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('pool: ΣT, tokens and ratios now and at an earlier position; datasets only for the owner', async () => {
    const now = await get('/v1/pool', keys.alice).expect(200);
    expect(now.body).toMatchObject({ totalTokens: '8000', contributorCount: 2, nextCursor: null });
    expect(now.body.position).toBeGreaterThanOrEqual(at.report2);
    expect(now.body.contributors).toEqual([
      // Alice sees her own name, not Bob's (a contributor's name is shown to admin, auditor and that contributor only).
      { contributorId: 'alice', contributorDisplayName: 'Alice', tokens: '3000', ratio: '0.375', datasets: { 'd-alice-1': '3000' } },
      { contributorId: 'bob', contributorDisplayName: null, tokens: '5000', ratio: '0.625' },
    ]);
    const before = await get(`/v1/pool?atPosition=${at.aliceOnly}`, keys.bob).expect(200);
    expect(before.body).toMatchObject({
      position: at.aliceOnly,
      totalTokens: '3000',
      contributors: [{ contributorId: 'alice', tokens: '3000', ratio: '1' }],
    });
    expect((await get('/v1/pool').expect(200)).body.contributors[1].datasets).toBeUndefined();
    const admin = await get('/v1/pool?includeDatasets=true').expect(200);
    expect(admin.body.contributors[1].datasets).toEqual({ 'd-bob-1': '1000', 'd-bob-2': '4000' });
    await get('/v1/pool', keys.acme).expect(200);
  });

  it('metrics: ratio, tokens, current revenue, expected payout, paid out, balance — now and as of earlier positions', async () => {
    const now = await get('/v1/contributors/alice/metrics', keys.alice).expect(200);
    // rev-1: pool 200.00 → alice 150.00 (3000/4000); rev-2: pool 100.00 → alice 37.50 (3000/8000). Settled 100.00.
    expect(now.body).toMatchObject({
      contributorId: 'alice',
      contributionRatio: '0.375',
      tokens: '3000',
      totalTokens: '8000',
      currentRevenue: { EUR: '187.50' },
      expectedPayout: { EUR: '37.50' },
      paidOut: { EUR: '100.00' },
      balance: { EUR: '87.50' },
      expectedPayoutByConsumer: [
        // No agreement with revenueVisibility gross: a contributor sees the pool amount, not R or α.
        {
          consumerId: 'acme',
          revenueId: 'rev-2',
          currency: 'EUR',
          alpha: null,
          revenueAmount: null,
          poolAmount: '100.00',
          amount: '37.50',
        },
      ],
    });
    expect(now.body.currencies).toEqual([
      {
        currency: 'EUR',
        currentRevenue: '187.50',
        expectedPayout: '37.50',
        paidOut: '100.00',
        balance: '87.50',
        payable: '87.50',
        recoverable: '0.00',
      },
    ]);

    const afterRun1 = await get(`/v1/contributors/alice/metrics?atPosition=${at.afterRun1}`, keys.alice).expect(200);
    expect(afterRun1.body).toMatchObject({
      position: at.afterRun1,
      contributionRatio: '0.75',
      tokens: '3000',
      currentRevenue: { EUR: '150.00' },
      expectedPayout: { EUR: '150.00' },
      paidOut: {},
      balance: { EUR: '150.00' },
    });
    const beforeAny = await get(`/v1/contributors/alice/metrics?atPosition=${at.aliceOnly}`, keys.alice).expect(200);
    expect(beforeAny.body).toMatchObject({ contributionRatio: '1', currentRevenue: {}, expectedPayout: {}, balance: {} });
    const origin = await get('/v1/contributors/alice/metrics?atPosition=0', keys.alice).expect(200);
    expect(origin.body).toMatchObject({ position: 0, contributionRatio: '0', tokens: '0' });

    // asOf: the time of an event maps to the last position recorded at or before it.
    const [settledEvent] = await collect(events.readAll({ fromPosition: at.settled, toPosition: at.settled }));
    const asOf = await get(
      `/v1/contributors/alice/metrics?asOf=${encodeURIComponent(settledEvent.metadata.recordedAt)}`,
      keys.alice,
    ).expect(200);
    expect(asOf.body.position).toBeGreaterThanOrEqual(at.settled);
    expect(asOf.body.position).toBeLessThan(at.report2);
    expect(asOf.body.paidOut).toEqual({ EUR: '100.00' });
  });

  it('refuses both asOf and atPosition, a future or malformed time, a malformed position: 400 problem+json naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['asOf=2025-01-01T00:00:00Z&atPosition=3', 'asOf'],
      [`asOf=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, 'asOf'],
      ['asOf=yesterday', 'asOf'],
      ['asOf=2025-02-30T00:00:00Z', 'asOf'],
      ['asOf=2025-01-01T00:00:00', 'asOf'],
      ['atPosition=-1', 'atPosition'],
      ['atPosition=1.5', 'atPosition'],
    ];
    for (const route of [
      '/v1/pool',
      '/v1/contributors/alice/metrics',
      '/v1/revenue/rev-1',
      '/v1/payout-runs/rev-1',
      '/v1/contributors/alice/audit-trail',
      '/v1/contributors/alice/payouts',
      '/v1/audit/verify',
    ]) {
      for (const [q, field] of cases) {
        const r = await get(`${route}?${q}`).expect(400);
        expect(r.headers['content-type']).toMatch(PROBLEM);
        expect(JSON.stringify(r.body)).toContain(field);
      }
    }
  });

  it('contributor routes: own only (403 for another contributor or a consumer); auditor and admin read all', async () => {
    for (const route of ['metrics', 'payouts', 'audit-trail']) {
      await get(`/v1/contributors/alice/${route}`, keys.alice).expect(200);
      const other = await get(`/v1/contributors/alice/${route}`, keys.bob).expect(403);
      expect(other.headers['content-type']).toMatch(PROBLEM);
      await get(`/v1/contributors/alice/${route}`, keys.acme).expect(403);
      await get(`/v1/contributors/alice/${route}`, keys.audrey).expect(200);
      await get(`/v1/contributors/alice/${route}`).expect(200);
      await t.http.get(`/v1/contributors/alice/${route}`).expect(401);
    }
  });

  it('revenue: the funding consumer, auditor and admin; another consumer gets 404; contributors 403', async () => {
    const r = await get('/v1/revenue/rev-1', keys.acme).expect(200);
    expect(r.body).toMatchObject({
      revenueId: 'rev-1',
      consumerId: 'acme',
      status: 'paid',
      amount: '1000.00',
      currency: 'EUR',
      alpha: '0.2',
      reportPosition: at.report1,
    });
    expect(r.body.payoutRun).toMatchObject({
      revenueId: 'rev-1',
      status: 'completed',
      poolPosition: at.report1,
      totalTokens: '4000',
      poolAmount: '200.00',
      remainder: '800.00',
      allocationCount: 2,
    });
    const before = await get(`/v1/revenue/rev-1?atPosition=${at.report1}`, keys.acme).expect(200);
    expect(before.body).toMatchObject({ status: 'reported', payoutRun: null, position: at.report1 });
    await get(`/v1/revenue/rev-1?atPosition=${at.report1 - 1}`, keys.acme).expect(404);
    await get('/v1/revenue/rev-1', keys.globex).expect(404);
    await get('/v1/revenue/nope', keys.acme).expect(404);
    await get('/v1/revenue/rev-1', keys.alice).expect(403);
    await get('/v1/revenue/rev-1', keys.audrey).expect(200);
    await get('/v1/revenue/rev-1').expect(200);
  });

  it("revenue list: a consumer's own reports in log order, paginated and as of a position; auditor/admin all or one consumer's", async () => {
    const ids = (body: { items: Array<{ revenueId: string }> }) => body.items.map((i) => i.revenueId);
    const own = await get('/v1/revenue', keys.acme).expect(200);
    expect(ids(own.body)).toEqual(['rev-1', 'rev-2']);
    expect(own.body.items[0]).toMatchObject({
      revenueId: 'rev-1',
      consumerId: 'acme',
      status: 'paid',
      amount: '1000.00',
      reportPosition: at.report1,
      payoutRun: { totalTokens: '4000', poolAmount: '200.00' },
    });
    // Each item is what GET /v1/revenue/{id} answers, less the page's position.
    const { position: _position, ...single } = (await get('/v1/revenue/rev-1', keys.acme).expect(200)).body as Record<string, unknown>;
    expect(own.body.items[0]).toEqual(single);
    expect(own.body.nextCursor).toBeNull();
    // One per page: the cursor walks the same order.
    const first = await get('/v1/revenue?limit=1', keys.acme).expect(200);
    expect(ids(first.body)).toEqual(['rev-1']);
    const second = await get(`/v1/revenue?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, keys.acme).expect(200);
    expect(ids(second.body)).toEqual(['rev-2']);
    // As of the first report: rev-2 did not exist and rev-1 was not paid yet.
    const then = await get(`/v1/revenue?atPosition=${at.report1}`, keys.acme).expect(200);
    expect(then.body).toMatchObject({ position: at.report1, items: [{ revenueId: 'rev-1', status: 'reported', payoutRun: null }] });
    // Another consumer sees only its own (none); naming someone else is refused.
    expect((await get('/v1/revenue', keys.globex).expect(200)).body.items).toEqual([]);
    const refused = await get('/v1/revenue?consumerId=acme', keys.globex).expect(403);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(ids((await get('/v1/revenue?consumerId=acme', keys.acme).expect(200)).body)).toEqual(['rev-1', 'rev-2']);
    await get('/v1/revenue', keys.alice).expect(403);
    expect(ids((await get('/v1/revenue', keys.audrey).expect(200)).body)).toEqual(['rev-1', 'rev-2']);
    expect((await get('/v1/revenue?consumerId=globex').expect(200)).body.items).toEqual([]);
    expect((await get('/v1/revenue?limit=0', keys.acme).expect(400)).body).toMatchObject({
      type: 'urn:1tt:problem:invalid-limit',
      errors: [{ field: 'limit' }],
    });
  });

  it('payout run: all allocations (paginated) for funder, auditor, admin; a contributor sees the summary and their own share; 404 until it exists', async () => {
    const full = await get('/v1/payout-runs/rev-1', keys.acme).expect(200);
    expect(full.body).toMatchObject({
      revenueId: 'rev-1',
      status: 'completed',
      poolPosition: at.report1,
      totalTokens: '4000',
      currency: 'EUR',
      poolAmount: '200.00',
      remainder: '800.00',
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      nextCursor: null,
    });
    expect(full.body.allocations).toEqual([
      // The funding consumer sees amounts, not the contributors' names.
      { contributorId: 'alice', contributorDisplayName: null, tokens: '3000', ratio: '0.75', amount: '150.00', netAmount: '150.00' },
      { contributorId: 'bob', contributorDisplayName: null, tokens: '1000', ratio: '0.25', amount: '50.00', netAmount: '50.00' },
    ]);
    const page1 = await get('/v1/payout-runs/rev-1?limit=1', keys.audrey).expect(200);
    expect(page1.body.allocations).toEqual([expect.objectContaining({ contributorId: 'alice' })]);
    const page2 = await get(`/v1/payout-runs/rev-1?limit=1&cursor=${page1.body.nextCursor}`, keys.audrey).expect(200);
    expect(page2.body.allocations).toEqual([expect.objectContaining({ contributorId: 'bob' })]);
    const bob = await get('/v1/payout-runs/rev-1', keys.bob).expect(200);
    expect(bob.body.allocations).toEqual([
      { contributorId: 'bob', contributorDisplayName: 'Bob', tokens: '1000', ratio: '0.25', amount: '50.00', netAmount: '50.00' },
    ]);
    expect(bob.body.nextCursor).toBeNull();
    await get('/v1/payout-runs/rev-1', keys.globex).expect(404);
    await get(`/v1/payout-runs/rev-1?atPosition=${at.report1}`, keys.acme).expect(404);
    await get('/v1/payout-runs/unknown').expect(404);
  });

  it('ETag on entity reads; If-None-Match answers 304; a later event changes the tag', async () => {
    const first = await get('/v1/payout-runs/rev-1', keys.acme).expect(200);
    expect(first.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    await t.http.get('/v1/payout-runs/rev-1').set(t.auth(keys.acme)).set('If-None-Match', first.headers.etag).expect(304);
    const m = await get(`/v1/contributors/bob/metrics?atPosition=${at.afterRun1}`, keys.bob).expect(200);
    const later = await get('/v1/contributors/bob/metrics', keys.bob).expect(200);
    expect(m.headers.etag).toBeDefined();
    expect(later.headers.etag).not.toBe(m.headers.etag);
  });

  it('payouts and audit trail: own allocations and settlements, events with hashes matching the raw log', async () => {
    const payouts = await get('/v1/contributors/alice/payouts', keys.alice).expect(200);
    expect(payouts.body.items).toEqual([
      expect.objectContaining({ kind: 'allocation', revenueId: 'rev-1', amount: '150.00', currency: 'EUR', tokens: '3000', ratio: '0.75' }),
      expect.objectContaining({ kind: 'settlement', amount: '100.00', currency: 'EUR', reference: 'bank-1', position: at.settled }),
      expect.objectContaining({ kind: 'allocation', revenueId: 'rev-2', amount: '37.50', ratio: '0.375' }),
    ]);
    const trail = await get('/v1/contributors/alice/audit-trail?limit=1000', keys.alice).expect(200);
    const types = trail.body.items.map((i: { type: string }) => i.type);
    expect(types).toEqual([
      'ContributorRegistered',
      'DatasetUploaded',
      'DatasetTokensCounted',
      'DatasetAccepted',
      'PayoutRunAllocationsRecorded',
      'PayoutSettled',
      'PayoutRunAllocationsRecorded',
    ]);
    const run = trail.body.items.find((i: { type: string }) => i.type === 'PayoutRunAllocationsRecorded');
    expect(run.data.allocations).toEqual([expect.objectContaining({ contributorId: 'alice' })]);
    expect(JSON.stringify(trail.body)).not.toContain('bob');
    const raw = await get(`/v1/audit/events?fromPosition=${run.position}&limit=1`, keys.audrey).expect(200);
    expect(raw.body.items[0]).toMatchObject({
      position: run.position,
      hash: run.hash,
      prevHash: run.prevHash,
      type: 'PayoutRunAllocationsRecorded',
    });
    const paged = await get('/v1/contributors/alice/audit-trail?limit=2', keys.alice).expect(200);
    expect(paged.body.items).toHaveLength(2);
    const next = await get(`/v1/contributors/alice/audit-trail?limit=2&cursor=${paged.body.nextCursor}`, keys.alice).expect(200);
    expect(next.body.items[0].type).toBe('DatasetTokensCounted');
    const past = await get(`/v1/contributors/alice/audit-trail?atPosition=${at.aliceOnly}`, keys.alice).expect(200);
    expect(past.body.items.map((i: { type: string }) => i.type)).toEqual([
      'ContributorRegistered',
      'DatasetUploaded',
      'DatasetTokensCounted',
      'DatasetAccepted',
    ]);
  });

  it('audit routes: raw log pages and a verification of every chain and payout run (auditor, admin only)', async () => {
    const log: number[] = [];
    for await (const e of events.readAll()) log.push(e.position);
    const page = await get('/v1/audit/events?fromPosition=1&limit=3', keys.audrey).expect(200);
    expect(page.body.items.map((e: { position: number }) => e.position)).toEqual(log.slice(0, 3));
    // The next page starts at the next event's position, whatever the gap (opaque cursors).
    expect(page.body.nextPosition).toBe(log[3]);
    const pages: number[] = [];
    for (let from: number | null = 1; from !== null;) {
      const p: { body: { items: Array<{ position: number }>; nextPosition: number | null } } = await get(
        `/v1/audit/events?fromPosition=${from}&limit=4`,
        keys.audrey,
      ).expect(200);
      pages.push(...p.body.items.map((e: { position: number }) => e.position));
      from = p.body.nextPosition;
    }
    expect(pages).toEqual(log);
    expect(page.body.items[0]).toEqual(
      expect.objectContaining({
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: expect.any(String),
        streamName: expect.any(String),
        metadata: expect.any(Object),
      }),
    );
    const bounded = await get(`/v1/audit/events?fromPosition=1&limit=1000&atPosition=${at.aliceOnly}`).expect(200);
    expect(bounded.body).toMatchObject({ position: at.aliceOnly, nextPosition: null });
    expect(bounded.body.items).toHaveLength(log.filter((p) => p <= at.aliceOnly).length);
    const verify = await get('/v1/audit/verify', keys.audrey).expect(200);
    expect(verify.body).toMatchObject({ ok: true, checkedEvents: log.length, problems: [] });
    expect(verify.body.summary).toMatchObject({ payoutRunsRecomputed: 2 });
    for (const k of [keys.alice, keys.acme]) {
      await get('/v1/audit/events', k).expect(403);
      await get('/v1/audit/verify', k).expect(403);
    }
  });

  it('verify reports a payout run that does not match the log', async () => {
    await append('revenue-rev-bad', [
      {
        type: 'RevenueReported',
        data: {
          revenueId: 'rev-bad',
          consumerId: 'acme',
          agreementEffectiveFrom: '2020-01-01T00:00:00.000Z',
          idempotencyKey: 'rev-bad',
          inputHash: 'rev-bad',
          reportedAt: new Date().toISOString(),
          amount: '10.00',
          currency: 'EUR',
          alpha: '0.2',
          periodStart: '2026-03-01T00:00:00.000Z',
          periodEnd: '2026-04-01T00:00:00.000Z',
        },
      },
    ]);
    // Wait for the processor's run (if it runs here); then record a forged second run for a report that never existed.
    for (let i = 0; i < 40 && !(await events.streamExists('payout-run-rev-bad')); i++) await new Promise((r) => setTimeout(r, 50));
    await append('payout-run-rev-ghost', [
      {
        type: 'PayoutRunAllocationsRecorded',
        data: {
          revenueId: 'rev-ghost',
          consumerId: 'acme',
          currency: 'EUR',
          chunkIndex: 0,
          allocations: [{ contributorId: 'alice', tokens: '3000', weight: '3000', amount: '1.00' }],
        },
      },
      {
        type: 'PayoutRunCompleted',
        data: {
          revenueId: 'rev-ghost',
          consumerId: 'acme',
          poolPosition: 1,
          policy: 'snapshot',
          currency: 'EUR',
          amount: '5.00',
          alpha: '0.2',
          totalTokens: '8000',
          totalWeight: '3000',
          poolAmount: '1.00',
          remainder: '4.00',
          unallocated: '0.00',
          allocated: '1.00',
          chunkCount: 1,
          allocationCount: 1,
          rootHash: '0'.repeat(64),
          roundingRuleVersion: ROUNDING_RULE_VERSION,
        },
      },
    ]);
    const verify = await get('/v1/audit/verify', keys.audrey).expect(200);
    expect(verify.body.ok).toBe(false);
    expect(verify.body.problems.length).toBeGreaterThan(0);
  });

  it('SSE: a contributor is told of their own change and pool-wide totals, not of another contributor', async () => {
    const alice = await openSse(`${t.baseUrl}/v1/events`, t.auth(keys.alice));
    const bob = await openSse(`${t.baseUrl}/v1/events`, t.auth(keys.bob));
    try {
      await new Promise((r) => setTimeout(r, 50));
      const position = await dataset('d-alice-2', 'alice', 1000);
      const mine = await alice.next((m) => m.event === 'contributor.metrics.changed');
      expect(JSON.parse(mine.data)).toMatchObject({ data: { contributorId: 'alice' } });
      expect(Number(mine.id)).toBeGreaterThanOrEqual(position);
      await bob.next((m) => m.event === 'pool.changed');
      await alice.next((m) => m.event === 'contributor.audit-trail.changed');
      expect(
        bob.messages.filter((m) => m.event === 'contributor.metrics.changed' || m.event === 'contributor.audit-trail.changed'),
      ).toEqual([]);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('rebuilding every projection from position 0 gives identical read models (every version)', async () => {
    const rm = t.get(LedgerReadModels);
    const head = await events.headPosition();
    await rm.readablePosition(['pool', 'revenue', 'accounts', 'auditTrail']);
    const probe = [0, at.aliceOnly, at.report1, at.afterRun1, at.report2, head];
    const snapshot = async () => {
      const out: Record<string, Array<ReadModelVersion<ReadModelDocument>>> = {};
      for (const runner of Object.values(rm.runners)) {
        for (const c of runner.projection.collections) {
          for (const p of probe) {
            const name = `${collectionName(c)}@${p}`;
            out[name] = [];
            let after: string | undefined;
            do {
              const page = await rm.store.find(collectionName(c), { atPosition: p, after, limit: 1000 });
              out[name].push(...page.items);
              after = page.nextCursor;
            } while (after);
          }
        }
      }
      return out;
    };
    const live = await snapshot();
    expect(Object.values(live).reduce((n, v) => n + v.length, 0)).toBeGreaterThan(20);
    for (const runner of Object.values(rm.runners)) {
      await runner.rebuild();
      expect(await runner.waitFor(head, 10_000)).toBe(true);
    }
    expect(await snapshot()).toEqual(live);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
