/**
 * Ledger allocation: time and peak memory to allocate one revenue report
 * across 1,000,000 contributors (largest remainder, exact bigint), both the
 * bare allocation and the whole payout run (pool fold, sort by id, chunked
 * events, root hash); and payout runs per second for small pools.
 */
import { allocate, computePayoutRun, LoggedEvent, PoolState, RevenueReported, Share } from '@1tt/ledger';
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
