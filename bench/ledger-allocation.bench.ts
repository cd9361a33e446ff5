/**
 * Ledger allocation: time and peak memory to allocate one revenue report
 * across 1,000,000 contributors (largest remainder, exact bigint), both the
 * bare allocation and the whole payout run (pool fold, sort by id, chunked
 * events, root hash); and payout runs per second for small pools.
 * Issue #14: the same run over a pool whose datasets carry a licence, uses
 * and per-language/class counts, with no scope and with a scope (uses,
 * languages, classes and licences all restricted), to compare the cost.
 */
import { allocate, computePayoutRun, ConsumerScope, LoggedEvent, PoolState, RevenueReported, Share } from '@1tt/ledger';
import { peakRssMiB, quick, report, timed } from './bench-report';

const T0 = Date.UTC(2025, 0, 1);

function contributorId(i: number): string {
  // uuid-shaped, in scrambled order so sorting does real work
  const h = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `${h}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** The log a pool is folded from: built before the fold is timed, as a replay would have it already read. */
function acceptedEvents(n: number): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(T0 + i).toISOString();
    events.push({
      type: 'DatasetAccepted',
      data: {
        kind: 'contribution',
        contributorId: contributorId(i),
        datasetId: `d${i}`,
        tokens: String(1000 + ((i * 7919) % 1_000_000)),
        acceptedAt: t,
      },
      position: i + 1,
      metadata: { recordedAt: t },
    });
  }
  events.push({ type: 'RevenueReported', data: {}, position: n + 1, metadata: { recordedAt: new Date(T0 + n).toISOString() } });
  return events;
}

const LANGUAGES = ['en', 'de', 'ko', 'fr'];
const CLASSES = ['prose', 'code', 'markdown'];
const LICENCES = ['CC-BY-4.0', 'MIT', 'CC0-1.0', 'LicenseRef-1tt-contributor-grant-1'];
const USES = [['training'], ['training', 'retrieval'], ['retrieval'], ['evaluation', 'training']];

/** Dataset i's labelled events (upload with licence and uses, result with tokens per language × class, acceptance), positions from `first`. */
function labelledEvents(i: number, first: number): LoggedEvent[] {
  const t = new Date(T0 + i).toISOString();
  const tokens = 1000 + ((i * 7919) % 1_000_000);
  const a = Math.floor(tokens / 3);
  const [l1, l2] = [LANGUAGES[i % 4], LANGUAGES[(i >> 2) % 4]];
  const [c1, c2] = [CLASSES[i % 3], CLASSES[(i >> 3) % 3]];
  const languages: Record<string, number> = { [l1]: a };
  languages[l2] = (languages[l2] ?? 0) + tokens - a;
  const contentClasses: Record<string, number> = { [c1]: a };
  contentClasses[c2] = (contentClasses[c2] ?? 0) + tokens - a;
  const languageClasses: Record<string, Record<string, number>> = { [l1]: { [c1]: a } };
  const second = (languageClasses[l2] ??= {});
  second[c2] = (second[c2] ?? 0) + tokens - a;
  const meta = { recordedAt: t };
  return [
    {
      type: 'DatasetUploaded',
      data: {
        kind: 'contribution',
        contributorId: contributorId(i),
        datasetId: `d${i}`,
        licence: LICENCES[i % 4],
        uses: USES[(i >> 1) % 4],
      },
      position: first,
      metadata: meta,
    },
    {
      type: 'DatasetPreprocessed',
      data: { datasetId: `d${i}`, languages, contentClasses, languageClasses },
      position: first + 1,
      metadata: meta,
    },
    {
      type: 'DatasetAccepted',
      data: { kind: 'contribution', contributorId: contributorId(i), datasetId: `d${i}`, tokens: String(tokens), acceptedAt: t },
      position: first + 2,
      metadata: meta,
    },
  ];
}

const SCOPE: ConsumerScope = {
  uses: ['training'],
  languages: ['de', 'en'],
  contentClasses: ['markdown', 'prose'],
  licences: ['CC-BY-4.0', 'MIT'],
};

function poolOf(events: LoggedEvent[]): { pool: PoolState; position: number } {
  const pool = new PoolState();
  for (const e of events) pool.apply(e);
  return { pool, position: events[events.length - 1].position };
}

function revenue(policy: 'snapshot' | 'time-weighted'): RevenueReported['data'] {
  return {
    revenueId: 'bench',
    consumerId: 'k1',
    amount: '12345678.91',
    currency: 'USD',
    periodStart: new Date(T0).toISOString(),
    periodEnd: new Date(T0 + 86_400_000).toISOString(),
    alpha: '0.3',
    policy,
    agreementEffectiveFrom: new Date(T0).toISOString(),
    idempotencyKey: 'bench',
    inputHash: 'x',
    reportedAt: new Date(T0).toISOString(),
  };
}

async function main(): Promise<void> {
  const n = quick ? 20_000 : 1_000_000;
  const label = quick ? '20k' : '1M';

  const shares: Share[] = Array.from({ length: n }, (_, i) => ({
    contributorId: contributorId(i),
    weight: BigInt(1000 + ((i * 7919) % 1_000_000)),
  }));
  global.gc?.();
  const allocSeconds = await timed(() => allocate(1_234_567_891n, shares));
  report(`allocate() over ${label} contributors`, allocSeconds * 1000, 'ms');
  report(`peak RSS after allocate() (${label})`, peakRssMiB(), 'MiB');
  shares.length = 0;
  global.gc?.();

  let events: LoggedEvent[] = acceptedEvents(n);
  let folded: { pool: PoolState; position: number } | undefined;
  const foldSeconds = await timed(() => {
    folded = poolOf(events);
  });
  events = [];
  const { pool, position } = folded as { pool: PoolState; position: number };
  report(`fold ${label} DatasetAccepted events into PoolState`, foldSeconds * 1000, 'ms');
  global.gc?.();
  report(`peak RSS with the ${label}-dataset pool`, peakRssMiB(), 'MiB');
  let chunks = 0;
  const runSeconds = await timed(() => {
    chunks = computePayoutRun({ report: revenue('snapshot'), reportPosition: position, pool }).completed.chunkCount;
  });
  report(`payout run, snapshot, ${label} contributors (${chunks} chunks)`, runSeconds * 1000, 'ms');
  report(`peak RSS after the snapshot run (${label})`, peakRssMiB(), 'MiB');
  global.gc?.();
  const twSeconds = await timed(() => computePayoutRun({ report: revenue('time-weighted'), reportPosition: position, pool }));
  report(`payout run, time-weighted, ${label} contributors`, twSeconds * 1000, 'ms');
  report(`peak RSS after the time-weighted run (${label})`, peakRssMiB(), 'MiB');

  // Issue #14: a labelled pool (licence, uses, language × class per dataset), a run without and with a scope.
  folded = undefined;
  global.gc?.();
  const labelled = new PoolState();
  let at = 0;
  const labelledFold = await timed(() => {
    for (let i = 0; i < n; i++)
      for (const e of labelledEvents(i, at + 1)) {
        labelled.apply(e);
        at = e.position;
      }
  });
  labelled.apply({ type: 'RevenueReported', data: {}, position: at + 1, metadata: { recordedAt: new Date(T0 + n).toISOString() } });
  at += 1;
  report(`fold ${label} labelled datasets (upload, result, acceptance)`, labelledFold * 1000, 'ms');
  global.gc?.();
  report(`peak RSS with the ${label} labelled pool`, peakRssMiB(), 'MiB');
  const unscopedSeconds = await timed(() => computePayoutRun({ report: revenue('snapshot'), reportPosition: at, pool: labelled }));
  report(`payout run, snapshot, labelled pool, no scope (${label})`, unscopedSeconds * 1000, 'ms');
  global.gc?.();
  let eligibleCount = 0;
  const scopedSeconds = await timed(() => {
    eligibleCount = computePayoutRun({ report: { ...revenue('snapshot'), scope: SCOPE }, reportPosition: at, pool: labelled }).completed
      .allocationCount;
  });
  report(`payout run, snapshot, with a scope (${eligibleCount} of ${label} paid)`, scopedSeconds * 1000, 'ms');
  report('scoped / unscoped run time', scopedSeconds / unscopedSeconds, '×');
  // The worst case for the scope's cost: every list restricted, yet every dataset eligible (all checks, all allocations).
  const everything: ConsumerScope = {
    uses: ['training', 'evaluation', 'retrieval'],
    languages: [...LANGUAGES].sort(),
    contentClasses: [...CLASSES].sort(),
    licences: [...LICENCES].sort(),
  };
  global.gc?.();
  const wideSeconds = await timed(() => {
    eligibleCount = computePayoutRun({ report: { ...revenue('snapshot'), scope: everything }, reportPosition: at, pool: labelled })
      .completed.allocationCount;
  });
  report(`payout run, scope admitting all (${eligibleCount} of ${label} paid)`, wideSeconds * 1000, 'ms');
  report('all-admitting scope / unscoped run time', wideSeconds / unscopedSeconds, '×');
  report(`peak RSS after the scoped run (${label})`, peakRssMiB(), 'MiB');

  for (const size of [10, 1000]) {
    const small = poolOf(acceptedEvents(size));
    const iterations = quick ? 50 : size === 10 ? 20_000 : 500;
    const s = await timed(() => {
      for (let i = 0; i < iterations; i++)
        computePayoutRun({ report: revenue('snapshot'), reportPosition: small.position, pool: small.pool });
    });
    report(`payout runs/s, ${size} contributors`, iterations / s, 'runs/s');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
