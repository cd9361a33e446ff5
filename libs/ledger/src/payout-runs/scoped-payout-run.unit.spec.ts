import fc from 'fast-check';
import { canonicalJson } from '@1tt/canonical-json';
import { ConsumerScope } from '../consent/consumer-scope';
import { DataUse } from '../consent/data-use';
import { consumerDecider } from '../consumers/consumer.decider';
import { datasetDecider } from '../datasets/dataset.decider';
import { parseNonNegativeAmount } from '../money';
import { PoolState } from '../pool/pool-state';
import { revenueDecider } from '../revenue/revenue.decider';
import { RevenueReported } from '../revenue/revenue.events';
import { streamNames } from '../streams/stream-names';
import { InMemoryLedgerLog, TestLoggedEvent } from '../testing/in-memory-ledger-log';
import { computePayoutRun } from './compute-payout-run';
import { PayoutRunEvent } from './payout-run.events';

/** Issue #14: what a consumer pays for. The log is written with the ledger's own deciders, as the service does. */
const T0 = Date.UTC(2026, 0, 1);
let tick = 0;
const now = () => new Date(T0 + ++tick * 60_000);

interface Doc {
  tokens: number;
  language?: string;
  contentClass?: string;
}

function upload(
  log: InMemoryLedgerLog,
  datasetId: string,
  contributorId: string,
  docs: Doc[],
  terms: { licence?: string; uses?: DataUse[] } = {},
): void {
  const stream = streamNames.dataset(datasetId);
  const ctx = { now: now(), ownerRegistered: true };
  log.execute(
    datasetDecider,
    stream,
    {
      type: 'RecordDatasetUpload',
      data: {
        kind: 'contribution',
        contributorId,
        datasetId,
        fileName: `${datasetId}.jsonl`,
        format: 'jsonl',
        compression: 'none',
        sizeBytes: 10,
        sha256: 'a'.repeat(64),
        blobRef: `blob-${datasetId}`,
        textField: 'text',
        ...terms,
      },
    },
    ctx,
  );
  const labelled = docs.every((d) => d.language !== undefined);
  const languages: Record<string, number> = {};
  const contentClasses: Record<string, number> = {};
  const languageClasses: Record<string, Record<string, number>> = {};
  for (const d of docs) {
    if (d.language === undefined || d.contentClass === undefined) continue;
    languages[d.language] = (languages[d.language] ?? 0) + d.tokens;
    contentClasses[d.contentClass] = (contentClasses[d.contentClass] ?? 0) + d.tokens;
    (languageClasses[d.language] ??= {})[d.contentClass] = (languageClasses[d.language][d.contentClass] ?? 0) + d.tokens;
  }
  const total = docs.reduce((s, d) => s + d.tokens, 0);
  log.execute(
    datasetDecider,
    stream,
    {
      type: 'RecordDatasetPreprocessing',
      data: {
        datasetId,
        pipeline: { name: 'p', version: '2', configHash: 'h' },
        documentsIn: docs.length,
        documentsKept: docs.length,
        removed: {},
        duplicatesOfEarlier: 0,
        manifestRoot: 'b'.repeat(64),
        reportBlobRef: `report-${datasetId}`,
        ...(labelled ? { languages, contentClasses, languageClasses } : {}),
      },
    },
    { now: now() },
  );
  log.execute(
    datasetDecider,
    stream,
    { type: 'RecordDatasetTokenCount', data: { datasetId, tokenizer: 'o200k_base', tokens: String(total) } },
    { now: now() },
  );
  log.execute(datasetDecider, stream, { type: 'AcceptDataset', data: { datasetId } }, { now: now() });
}

function consumer(log: InMemoryLedgerLog, consumerId: string, scope?: unknown): void {
  const stream = streamNames.consumer(consumerId);
  log.execute(consumerDecider, stream, { type: 'RegisterConsumer', data: { consumerId, displayName: consumerId } }, { now: now() });
  agree(log, consumerId, scope);
}

function agree(log: InMemoryLedgerLog, consumerId: string, scope?: unknown): void {
  log.execute(
    consumerDecider,
    streamNames.consumer(consumerId),
    {
      type: 'AgreeRevenueShare',
      data: { consumerId, alpha: '0.5', currency: 'USD', policy: 'snapshot', ...(scope !== undefined ? { scope } : {}) },
    },
    { now: now() },
  );
}

function reportRevenue(
  log: InMemoryLedgerLog,
  consumerId: string,
  key: string,
  amount = '100.00',
): { report: RevenueReported['data']; position: number } {
  const at = now();
  const [e] = log.execute(
    revenueDecider,
    `revenue-${consumerId}-${key}`,
    {
      type: 'ReportRevenue',
      data: {
        consumerId,
        amount,
        currency: 'USD',
        periodStart: new Date(T0 - 86_400_000).toISOString(),
        periodEnd: new Date(T0).toISOString(),
        idempotencyKey: key,
      },
    },
    { now: at, consumer: log.state(consumerDecider, streamNames.consumer(consumerId)) },
  );
  return { report: e.data as RevenueReported['data'], position: e.position };
}

const by = (contributorId: string) => ({ role: 'contributor' as const, id: contributorId });

function payout(log: InMemoryLedgerLog, r: { report: RevenueReported['data']; position: number }, events: TestLoggedEvent[] = log.events) {
  return computePayoutRun({ report: r.report, reportPosition: r.position, pool: PoolState.fromEvents(events) });
}
const amounts = (events: PayoutRunEvent[]) =>
  Object.fromEntries(
    events.flatMap((e) => (e.type === 'PayoutRunAllocationsRecorded' ? e.data.allocations : [])).map((a) => [a.contributorId, a.amount]),
  );

describe('scoped payout runs (issue #14)', () => {
  it('a dataset not granting training earns nothing from a training consumer and still earns from a retrieval consumer', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd-train', 'alice', [{ tokens: 300 }], { uses: ['training'] });
    upload(log, 'd-retr', 'bob', [{ tokens: 100 }], { uses: ['retrieval'] });
    consumer(log, 'trainer', { uses: ['training'] });
    consumer(log, 'searcher', { uses: ['retrieval'] });
    const training = payout(log, reportRevenue(log, 'trainer', 't1'));
    const retrieval = payout(log, reportRevenue(log, 'searcher', 's1'));
    expect(amounts(training.events)).toEqual({ alice: '50.00' });
    expect(training.completed).toMatchObject({ totalTokens: '400', eligibleTokens: '300', scope: { uses: ['training'] } });
    expect(amounts(retrieval.events)).toEqual({ bob: '50.00' });
    expect(retrieval.completed.eligibleTokens).toBe('100');
  });

  it('a consent change between two reports changes only the later run', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd1', 'alice', [{ tokens: 100 }]);
    upload(log, 'd2', 'bob', [{ tokens: 100 }]);
    consumer(log, 'trainer', { uses: ['training'], languages: null, contentClasses: null, licences: null });
    const first = reportRevenue(log, 'trainer', 'r1');
    const before = payout(log, first, log.events.slice());
    expect(amounts(before.events)).toEqual({ alice: '25.00', bob: '25.00' });
    log.execute(
      datasetDecider,
      streamNames.dataset('d2'),
      { type: 'ChangeDatasetConsent', data: { datasetId: 'd2', requestedBy: by('bob'), uses: ['retrieval'] } },
      { now: now() },
    );
    const second = reportRevenue(log, 'trainer', 'r2');
    // The first run, recomputed on the whole log (as the audit does), is exactly what it was.
    expect(canonicalJson(payout(log, first).events)).toBe(canonicalJson(before.events));
    expect(amounts(payout(log, second).events)).toEqual({ alice: '50.00' });
  });

  it('a Korean dataset earns nothing from a languages:["en"] consumer', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd-ko', 'minji', [{ tokens: 500, language: 'ko', contentClass: 'prose' }]);
    upload(log, 'd-en', 'ada', [
      { tokens: 100, language: 'en', contentClass: 'prose' },
      { tokens: 50, language: 'en', contentClass: 'code' },
    ]);
    consumer(log, 'en-only', { uses: ['training'], languages: ['en'] });
    consumer(log, 'en-prose', { uses: ['training'], languages: ['en'], contentClasses: ['prose'] });
    consumer(log, 'everything', undefined);
    const en = payout(log, reportRevenue(log, 'en-only', 'a'));
    expect(amounts(en.events)).toEqual({ ada: '50.00' });
    expect(en.completed.eligibleTokens).toBe('150');
    const prose = payout(log, reportRevenue(log, 'en-prose', 'b'));
    expect(prose.events.find((e) => e.type === 'PayoutRunAllocationsRecorded')?.data).toMatchObject({
      allocations: [{ contributorId: 'ada', tokens: '100' }],
    });
    const all = payout(log, reportRevenue(log, 'everything', 'c'));
    expect(all.completed.scope).toBeUndefined();
    expect(all.completed.eligibleTokens).toBeUndefined();
    expect(amounts(all.events)).toEqual({ ada: '11.54', minji: '38.46' });
  });

  it('a licence outside the scope, or unknown, earns nothing from a consumer that lists licences', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd-by', 'alice', [{ tokens: 100 }], { licence: 'cc-by-4.0' });
    upload(log, 'd-mit', 'bob', [{ tokens: 100 }], { licence: 'MIT' });
    consumer(log, 'k', { uses: ['training'], licences: ['CC-BY-4.0', 'CC0-1.0'] });
    const run = payout(log, reportRevenue(log, 'k', 'a'));
    expect(amounts(run.events)).toEqual({ alice: '50.00' });
    expect((log.stream('dataset-d-by')[0].data as { licence: string }).licence).toBe('CC-BY-4.0');
  });

  it('excluded documents stop earning from the exclusion on, for every consumer; earlier runs stand', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd1', 'alice', [
      { tokens: 100, language: 'en', contentClass: 'prose' },
      { tokens: 300, language: 'en', contentClass: 'prose' },
    ]);
    upload(log, 'd2', 'bob', [{ tokens: 100, language: 'en', contentClass: 'prose' }]);
    consumer(log, 'scoped', { uses: ['training'], languages: ['en'] });
    consumer(log, 'whole', undefined);
    const early = reportRevenue(log, 'whole', 'e');
    const earlyRun = payout(log, early, log.events.slice());
    log.execute(
      datasetDecider,
      streamNames.dataset('d1'),
      { type: 'ExcludeDocuments', data: { datasetId: 'd1', requestedBy: by('alice'), indexes: [1] } },
      { now: now(), documents: new Map([[1, { kept: true, tokens: 300, language: 'en', contentClass: 'prose' }]]) },
    );
    const scoped = payout(log, reportRevenue(log, 'scoped', 's'));
    const whole = payout(log, reportRevenue(log, 'whole', 'w'));
    expect(amounts(scoped.events)).toEqual({ alice: '25.00', bob: '25.00' });
    expect(scoped.completed.eligibleTokens).toBe('200');
    expect(amounts(whole.events)).toEqual({ alice: '25.00', bob: '25.00' });
    expect(whole.completed.totalTokens).toBe('200');
    expect(canonicalJson(payout(log, early).events)).toBe(canonicalJson(earlyRun.events));
    expect(amounts(earlyRun.events)).toEqual({ alice: '40.00', bob: '10.00' });
  });

  it('with no scope, a run over a log with licences, uses and labels is exactly the run without them (today’s behaviour)', () => {
    const log = new InMemoryLedgerLog();
    upload(log, 'd1', 'alice', [{ tokens: 123, language: 'ko', contentClass: 'code' }], { licence: 'MIT', uses: ['retrieval'] });
    upload(log, 'd2', 'bob', [{ tokens: 77 }], { uses: ['evaluation'] });
    consumer(log, 'k', undefined);
    const r = reportRevenue(log, 'k', 'x', '99.99');
    expect(r.report.scope).toBeUndefined();
    const stripped = log.events.map((e) => {
      if (e.type !== 'DatasetUploaded' && e.type !== 'DatasetPreprocessed') return e;
      const { licence: _l, uses: _u, languages: _a, contentClasses: _b, languageClasses: _c, ...rest } = e.data as Record<string, unknown>;
      return { ...e, data: rest };
    });
    expect(canonicalJson(payout(log, r).events)).toBe(canonicalJson(payout(log, r, stripped).events));
    expect(payout(log, r).events[0].data).not.toHaveProperty('scope');
  });

  it('time-weighted: a consent change or an exclusion mid-period counts each dataset’s eligible tokens only while they were eligible', () => {
    const H = 3_600_000;
    const at = (h: number) => new Date(T0 + h * H).toISOString();
    const ev = (position: number, h: number, type: string, data: unknown) => ({ type, data, position, metadata: { recordedAt: at(h) } });
    const accepted = (position: number, datasetId: string, contributorId: string, tokens: string) =>
      ev(position, 0, 'DatasetAccepted', { kind: 'contribution', contributorId, datasetId, tokens, acceptedAt: at(0) });
    const log = [
      accepted(1, 'd1', 'alice', '100'),
      accepted(2, 'd2', 'bob', '100'),
      ev(3, 10, 'DatasetConsentChanged', {
        datasetId: 'd1',
        contributorId: 'alice',
        uses: ['retrieval'],
        previousUses: ['training'],
        changedAt: at(10),
      }),
      ev(4, 15, 'DatasetDocumentsExcluded', {
        datasetId: 'd2',
        contributorId: 'bob',
        documents: [{ index: 0, tokens: 60 }],
        tokens: '60',
        excludedAt: at(15),
      }),
      ev(5, 30, 'RevenueReported', {}),
    ];
    const tw = (scope?: ConsumerScope) =>
      computePayoutRun({
        report: {
          revenueId: 'r',
          consumerId: 'k',
          amount: '100.00',
          currency: 'USD',
          periodStart: at(0),
          periodEnd: at(20),
          alpha: '1',
          policy: 'time-weighted',
          agreementEffectiveFrom: at(0),
          idempotencyKey: 'r',
          inputHash: 'x',
          reportedAt: at(30),
          ...(scope ? { scope } : {}),
        },
        reportPosition: 5,
        pool: PoolState.fromEvents(log),
      });
    const weights = (run: ReturnType<typeof tw>) =>
      Object.fromEntries(
        run.events
          .flatMap((e) => (e.type === 'PayoutRunAllocationsRecorded' ? e.data.allocations : []))
          .map((a) => [a.contributorId, a.weight]),
      );
    // Training: alice 100 × 10 h; bob 100 × 15 h + 40 × 5 h.
    expect(weights(tw({ uses: ['training'], languages: null, contentClasses: null, licences: null }))).toEqual({
      alice: String(100n * 10n * BigInt(H)),
      bob: String(100n * 15n * BigInt(H) + 40n * 5n * BigInt(H)),
    });
    // No scope: consent does not matter, the exclusion does (from 15 h on).
    expect(weights(tw())).toEqual({ alice: String(100n * 20n * BigInt(H)), bob: String(100n * 15n * BigInt(H) + 40n * 5n * BigInt(H)) });
  });

  it('results recorded before the joint language × class counts: exact for one restriction, only the provable overlap for both', () => {
    const ev = (position: number, type: string, data: unknown) => ({
      type,
      data,
      position,
      metadata: { recordedAt: new Date(T0).toISOString() },
    });
    // 100 en + 60 ko tokens; 120 prose + 40 code: at least 100 + 120 − 160 = 60 are English prose.
    const pool = PoolState.fromEvents([
      ev(1, 'DatasetPreprocessed', { datasetId: 'd', languages: { en: 100, ko: 60 }, contentClasses: { prose: 120, code: 40 } }),
      ev(2, 'DatasetAccepted', { kind: 'contribution', contributorId: 'a', datasetId: 'd', tokens: '160', acceptedAt: '' }),
      ev(3, 'DatasetDocumentsExcluded', {
        datasetId: 'd',
        contributorId: 'a',
        documents: [{ index: 0, tokens: 10, language: 'en', contentClass: 'code' }],
        tokens: '10',
        excludedAt: '',
      }),
    ]);
    const scope = (languages: string[] | null, contentClasses: string[] | null): ConsumerScope => ({
      uses: ['training'],
      languages,
      contentClasses,
      licences: null,
    });
    expect(pool.eligibleAt(2, scope(['en'], null)).totalTokens).toBe(100n);
    expect(pool.eligibleAt(2, scope(null, ['code'])).totalTokens).toBe(40n);
    expect(pool.eligibleAt(2, scope(['en'], ['prose'])).totalTokens).toBe(60n);
    expect(pool.eligibleAt(2, scope(['ko'], ['code'])).totalTokens).toBe(0n);
    // After the exclusion: 90 en, 30 code, 150 in all.
    expect(pool.eligibleAt(3, scope(['en'], null)).totalTokens).toBe(90n);
    expect(pool.eligibleAt(3, scope(null, ['code'])).totalTokens).toBe(30n);
    expect(pool.eligibleAt(3, scope(['en'], ['prose'])).totalTokens).toBe(60n);
    expect(pool.at(3).totalTokens).toBe(150n);
  });

  const USES: DataUse[] = ['training', 'evaluation', 'retrieval'];
  const scopeArb: fc.Arbitrary<ConsumerScope> = fc.record({
    uses: fc.subarray(USES, { minLength: 1 }),
    languages: fc.option(fc.subarray(['en', 'ko', 'de'], { minLength: 1 }), { nil: null }),
    contentClasses: fc.option(fc.subarray(['prose', 'code'], { minLength: 1 }), { nil: null }),
    licences: fc.option(fc.subarray(['MIT', 'CC-BY-4.0'], { minLength: 1 }), { nil: null }),
  });
  const docArb = fc.record({
    tokens: fc.integer({ min: 1, max: 10_000 }),
    language: fc.constantFrom('en', 'ko', 'de'),
    contentClass: fc.constantFrom('prose', 'code'),
  });
  const datasetArb = fc.record({
    contributor: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    docs: fc.array(docArb, { minLength: 1, maxLength: 4 }),
    licence: fc.constantFrom('MIT', 'CC-BY-4.0', 'CC0-1.0'),
    uses: fc.subarray(USES, { minLength: 1 }),
    newUses: fc.option(fc.subarray(USES, { minLength: 1 }), { nil: undefined }),
    exclude: fc.boolean(),
  });

  it('a run sums exactly to the pool amount under every scope, each share within one minor unit of its exact share (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(datasetArb, { minLength: 1, maxLength: 6 }),
        scopeArb,
        fc.integer({ min: 1, max: 10_000_000 }),
        (datasets, scope, cents) => {
          const log = new InMemoryLedgerLog();
          const expected = new Map<string, number>();
          datasets.forEach((d, i) => {
            const id = `d${i}`;
            upload(log, id, d.contributor, d.docs, { licence: d.licence, uses: d.uses });
            let uses = d.uses;
            let docs = d.docs;
            if (d.newUses) {
              log.execute(
                datasetDecider,
                streamNames.dataset(id),
                { type: 'ChangeDatasetConsent', data: { datasetId: id, requestedBy: by(d.contributor), uses: d.newUses } },
                { now: now() },
              );
              uses = d.newUses;
            }
            if (d.exclude) {
              log.execute(
                datasetDecider,
                streamNames.dataset(id),
                { type: 'ExcludeDocuments', data: { datasetId: id, requestedBy: by(d.contributor), indexes: [0] } },
                { now: now(), documents: new Map([[0, { kept: true, ...d.docs[0] }]]) },
              );
              docs = d.docs.slice(1);
            }
            // The naive reference: document by document.
            if (!scope.uses.some((u) => uses.includes(u)) || (scope.licences && !scope.licences.includes(d.licence))) return;
            for (const doc of docs) {
              if (scope.languages && !scope.languages.includes(doc.language)) continue;
              if (scope.contentClasses && !scope.contentClasses.includes(doc.contentClass)) continue;
              expected.set(d.contributor, (expected.get(d.contributor) ?? 0) + doc.tokens);
            }
          });
          consumer(log, 'k', scope);
          const r = reportRevenue(log, 'k', 'x', (cents / 100).toFixed(2));
          const { events, completed } = payout(log, r);
          const total = [...expected.values()].reduce((s, n) => s + n, 0);
          expect(completed.eligibleTokens).toBe(String(total));
          const lines = events.flatMap((e) => (e.type === 'PayoutRunAllocationsRecorded' ? e.data.allocations : []));
          expect(Object.fromEntries(lines.map((l) => [l.contributorId, Number(l.tokens)]))).toEqual(
            Object.fromEntries([...expected].filter(([, n]) => n > 0)),
          );
          const poolAmount = parseNonNegativeAmount(completed.poolAmount, 'USD');
          const sum = lines.reduce((s, l) => s + parseNonNegativeAmount(l.amount, 'USD'), 0n);
          expect(sum + parseNonNegativeAmount(completed.unallocated, 'USD')).toBe(poolAmount);
          expect(completed.unallocated).toBe(total > 0 ? '0.00' : completed.poolAmount);
          for (const l of lines) {
            const exact = (poolAmount * BigInt(l.tokens)) / BigInt(total);
            const got = parseNonNegativeAmount(l.amount, 'USD');
            expect(got === exact || got === exact + 1n).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
