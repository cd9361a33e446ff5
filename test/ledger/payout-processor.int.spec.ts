import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GappedEventStore,
  splitIntoAppends,
  SqliteEventStore,
  StoreUnavailable,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '@1tt/event-store';
import {
  ALLOCATIONS_PER_CHUNK,
  allocate,
  decideCorrection,
  formatMinor,
  parseNonNegativeAmount,
  streamNames,
  type RevenueReported,
} from '@1tt/ledger';
import { createReadModelStore, type ReadModelStore } from '@1tt/read-models';
import { createLedgerAudit } from '@1tt/audit';
import { PAYOUT_PROCESSOR, PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset, payoutRun, payoutRunEvents, withdrawDataset } from './ledger-log.fixture';

/**
 * The processor on the real embedded stores, driven by a log written
 * directly (no HTTP); once on the SQLite store as it is and once with gapped
 * positions that refuse a computed cursor (as EventStoreDB's do).
 */
describe.each([
  ['SQLite event store', (inner: SqliteEventStore): EventStore => inner],
  ['SQLite event store with gapped positions', (inner: SqliteEventStore): EventStore => new GappedEventStore(inner)],
])('payout processor (%s + read-model checkpoint)', (_name, wrap) => {
  let dir: string;
  let events: EventStore;
  let readModels: ReadModelStore;
  let now: number;
  const processors: PayoutProcessor[] = [];

  async function startProcessor(store: EventStore = events): Promise<PayoutProcessor> {
    const p = new PayoutProcessor(store, readModels, { restartDelayMs: 10 });
    processors.push(p);
    await p.start();
    return p;
  }

  let reports = 0;
  async function report(
    amount: string,
    options: { alpha?: string; policy?: string; currency?: string; periodStart?: string; periodEnd?: string } = {},
  ): Promise<{ revenueId: string; position: number }> {
    const revenueId = `rev-${++reports}`;
    const r = await events.appendToStream(
      `revenue-${revenueId}`,
      [
        {
          type: 'RevenueReported',
          data: {
            revenueId,
            consumerId: 'llm-corp',
            amount,
            currency: options.currency ?? 'USD',
            periodStart: options.periodStart ?? '2025-01-01T00:00:00.000Z',
            periodEnd: options.periodEnd ?? '2025-02-01T00:00:00.000Z',
            alpha: options.alpha ?? '0.5',
            policy: options.policy ?? 'snapshot',
            agreementEffectiveFrom: '2024-01-01T00:00:00.000Z',
            idempotencyKey: revenueId,
            inputHash: revenueId,
            reportedAt: new Date(now).toISOString(),
          },
        },
      ],
      { expectedRevision: 'no-stream' },
    );
    return { revenueId, position: r.position };
  }

  /** n contributors in the pool (1 to 7 tokens each), appended in appends that each fit. */
  async function acceptMany(n: number): Promise<void> {
    const batch = [];
    for (let i = 0; i < n; i++) {
      const id = `c${String(i).padStart(5, '0')}`;
      batch.push(
        { type: 'DatasetUploaded', data: { datasetId: `d${i}`, kind: 'contribution', contributorId: id } },
        { type: 'DatasetTokensCounted', data: { datasetId: `d${i}`, tokenizer: 'o200k_base', tokens: String(1 + (i % 7)) } },
        { type: 'DatasetAccepted', data: { datasetId: `d${i}`, kind: 'contribution', contributorId: id, tokens: String(1 + (i % 7)) } },
      );
    }
    for (const part of splitIntoAppends('dataset-bulk', batch))
      await events.appendToStream('dataset-bulk', part, { expectedRevision: 'any' });
  }

  /** The consumer of the reports, with its revenue share (the audit checks reports against it). */
  async function registerConsumer(alpha: string): Promise<void> {
    await events.appendToStream(
      'consumer-llm-corp',
      [
        { type: 'ConsumerRegistered', data: { consumerId: 'llm-corp', displayName: 'LLM Corp' } },
        {
          type: 'RevenueShareAgreed',
          data: { consumerId: 'llm-corp', alpha, currency: 'USD', policy: 'snapshot', effectiveFrom: '2024-01-01T00:00:00.000Z' },
        },
      ],
      { expectedRevision: 'no-stream' },
    );
  }

  /** The log's audit: its problems and summary. */
  async function auditLog(): Promise<{ problems: unknown[]; summary: Record<string, unknown> }> {
    const audit = createLedgerAudit();
    const problems: unknown[] = [];
    let line = 0;
    for await (const e of events.readAll()) audit.onEvent(e, ++line, (p) => problems.push(p));
    return { problems, summary: audit.summary() };
  }

  const amounts = (run: { allocations: Array<{ contributorId: string; amount: string }> }) =>
    Object.fromEntries(run.allocations.map((a) => [a.contributorId, a.amount]));

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-payout-'));
    now = Date.parse('2025-01-01T00:00:00Z');
    events = wrap(new SqliteEventStore({ path: path.join(dir, 'events.db'), clock: () => new Date(now) }));
    readModels = await createReadModelStore(`sqlite:${path.join(dir, 'read-models.db')}`);
  });
  afterEach(async () => {
    for (const p of processors.splice(0)) await p.stop();
    await events.close();
    await readModels.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replays 3 reports interleaved with acceptances and withdrawals: each run uses the pool as of its own position', async () => {
    await acceptDataset(events, 'd-alice', 'alice', 100);
    const r1 = await report('10.00');
    await acceptDataset(events, 'd-bob', 'bob', 300);
    const r2 = await report('10.00');
    await withdrawDataset(events, 'd-alice');
    await acceptDataset(events, 'd-carol', 'carol', 100);
    const r3 = await report('10.01');
    await acceptDataset(events, 'd-dave', 'dave', 1000); // after every report: in no run

    const p = await startProcessor();
    await p.catchUp();

    const run1 = await payoutRun(events, r1.revenueId);
    expect(run1).toMatchObject({ poolPosition: r1.position, totalTokens: '100', poolAmount: '5.00', remainder: '5.00' });
    expect(amounts(run1)).toEqual({ alice: '5.00' });
    const run2 = await payoutRun(events, r2.revenueId);
    expect(run2).toMatchObject({ poolPosition: r2.position, totalTokens: '400', poolAmount: '5.00' });
    expect(amounts(run2)).toEqual({ alice: '1.25', bob: '3.75' });
    const run3 = await payoutRun(events, r3.revenueId);
    // 1001 × 0.5 = 500.5 → 500 to the pool, 501 stays with the consumer; 375/125 exactly
    expect(run3).toMatchObject({ poolPosition: r3.position, totalTokens: '400', poolAmount: '5.00', remainder: '5.01' });
    expect(amounts(run3)).toEqual({ bob: '3.75', carol: '1.25' });
    expect(await readModels.getCheckpoint(PAYOUT_PROCESSOR)).toBeGreaterThanOrEqual(r3.position);
  });

  it('reacts live, never pays a report twice (second processor, restart from 0) and completes runs missed while down', async () => {
    await acceptDataset(events, 'd-alice', 'alice', 1);
    await acceptDataset(events, 'd-bob', 'bob', 2);
    const first = await startProcessor();
    const r1 = await report('1.00');
    await first.catchUp();
    expect(amounts(await payoutRun(events, r1.revenueId))).toEqual({ alice: '0.17', bob: '0.33' });

    // A second processor (another API process) replays the same reports: nothing is written twice.
    const second = await startProcessor();
    const r2 = await report('3.00');
    await Promise.all([first.catchUp(), second.catchUp()]);
    expect((await payoutRunEvents(events, r1.revenueId)).map((e) => e.type)).toEqual([
      'PayoutRunStarted',
      'PayoutRunAllocationsRecorded',
      'PayoutRunCompleted',
    ]);
    expect((await payoutRunEvents(events, r2.revenueId)).length).toBe(3);

    // Down: reports arrive, nobody pays them. Up again from the saved checkpoint: the missing runs are written.
    await first.stop();
    await second.stop();
    const missed = [await report('2.00'), await report('4.00')];
    for (const m of missed) expect(await events.streamExists(`payout-run-${m.revenueId}`)).toBe(false);
    const head = await events.headPosition();
    const third = await startProcessor();
    await third.catchUp();
    for (const m of missed) expect((await payoutRunEvents(events, m.revenueId)).length).toBe(3);
    expect(amounts(await payoutRun(events, missed[1].revenueId))).toEqual({ alice: '0.67', bob: '1.33' });
    let written = 0;
    for await (const e of events.readAll({ afterPosition: head })) written += e.streamName.startsWith('payout-run-') ? 1 : 0;
    expect(written).toBe(6);
    // Its fold sees every run once it has read past them: allocations add up for settlements.
    await third.catchUp();
    expect(third.pool.allocatedTo('alice', 'USD')).toBe(17n + 50n + 33n + 67n);
  });

  it('keeps a later checkpoint saved by another API process (shared read models) instead of stopping on it', async () => {
    // The read models as every API process sees them, with the outcome of each checkpoint save of the processor.
    const saves: unknown[] = [];
    const watched = new Proxy(readModels, {
      get(target, key) {
        if (key === 'transact')
          return async (projection: string, fn: Parameters<ReadModelStore['transact']>[1]) => {
            try {
              const result = await target.transact(projection, fn);
              if (projection === PAYOUT_PROCESSOR) saves.push('saved');
              return result;
            } catch (e) {
              if (projection === PAYOUT_PROCESSOR) saves.push(e);
              throw e;
            }
          };
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await acceptDataset(events, 'd-alice', 'alice', 10);
    const p = new PayoutProcessor(events, watched, { restartDelayMs: 60_000 });
    processors.push(p);
    await p.start();
    await p.catchUp();
    // Another API process's processor, further ahead, saves its checkpoint past what this one will reach next.
    const ahead = (await events.headPosition()) * 10 + 1000;
    await readModels.transact(PAYOUT_PROCESSOR, (tx) => tx.setCheckpoint(ahead));
    const r = await report('1.00');
    for (let i = 0; i < 6000 && saves.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    // The save kept the later checkpoint (a checkpoint never moves back) and the processor did not stop over it.
    expect(saves).toEqual(['saved']);
    expect(await readModels.getCheckpoint(PAYOUT_PROCESSOR)).toBe(ahead);
    await expect(p.catchUp()).resolves.toBeUndefined();
    expect(amounts(await payoutRun(events, r.revenueId))).toEqual({ alice: '0.50' });
  });

  it('time-weighted: a contributor who joins at the end of the period gets a small share', async () => {
    now = Date.parse('2025-01-01T00:00:00Z');
    await acceptDataset(events, 'd-early', 'early', 100);
    now = Date.parse('2025-01-31T00:00:00Z'); // 30 of the 31 days in
    await acceptDataset(events, 'd-late', 'late', 100);
    now = Date.parse('2025-02-01T00:00:00Z');
    const r = await report('31.00', { alpha: '1', policy: 'time-weighted' });
    const p = await startProcessor();
    await p.catchUp();
    const run = await payoutRun(events, r.revenueId);
    expect(run).toMatchObject({ policy: 'time-weighted', totalTokens: '200', poolAmount: '31.00' });
    // token-days: early 100 × 31, late 100 × 1 → 3100 × 31/32 and 3100 × 1/32 minor units
    expect(amounts(run)).toEqual({ early: '30.03', late: '0.97' });
  });

  it('splits a run over many contributors into chunk events plus a completion, summing exactly to the pool', async () => {
    const n = ALLOCATIONS_PER_CHUNK * 2 + 7;
    const batch = [];
    // The upload pipeline's thin DatasetAccepted (dataset id only): owner and tokens come from the earlier events.
    for (let i = 0; i < n; i++) {
      const id = `c${String(i).padStart(5, '0')}`;
      batch.push(
        { type: 'DatasetUploaded', data: { datasetId: `d${i}`, kind: 'contribution', contributorId: id } },
        { type: 'DatasetTokensCounted', data: { datasetId: `d${i}`, tokenizer: 'o200k_base', tokens: 1 + (i % 7) } },
        { type: 'DatasetAccepted', data: { datasetId: `d${i}` } },
      );
    }
    // 12,021 events are more than one append may hold (1 MiB): in appends that each fit.
    for (const part of splitIntoAppends('dataset-bulk', batch))
      await events.appendToStream('dataset-bulk', part, { expectedRevision: 'any' });
    const r = await report('1234.56', { alpha: '0.333333' });
    const p = await startProcessor();
    await p.catchUp();
    const recorded = await payoutRunEvents(events, r.revenueId);
    expect(recorded.map((e) => e.type)).toEqual([
      'PayoutRunStarted',
      'PayoutRunAllocationsRecorded',
      'PayoutRunAllocationsRecorded',
      'PayoutRunAllocationsRecorded',
      'PayoutRunCompleted',
    ]);
    const run = await payoutRun(events, r.revenueId);
    const poolMinor = (123456n * 333333n) / 1000000n;
    expect(run).toMatchObject({ chunkCount: 3, allocationCount: n, poolAmount: formatMinor(poolMinor, 'USD'), unallocated: '0.00' });
    expect(run.allocations).toHaveLength(n);
    expect(run.allocations.reduce((sum, a) => sum + parseNonNegativeAmount(a.amount, 'USD'), 0n)).toBe(poolMinor);
    // Independent recomputation with the lib's allocator from the same weights.
    const expected = allocate(
      poolMinor,
      run.allocations.map((a) => ({ contributorId: a.contributorId, weight: BigInt(a.tokens) })),
    );
    expect(run.allocations.map((a) => a.amount)).toEqual(expected.allocations.map((a) => formatMinor(a.amount, 'USD')));
    for (const e of recorded) expect(Buffer.byteLength(JSON.stringify(e.data))).toBeLessThan(1024 * 1024);
  });

  it('a run larger than one append is written in several, completed by its final event; a crash between appends is completed once on restart', async () => {
    const n = ALLOCATIONS_PER_CHUNK * 2 + 7;
    const batch = [];
    for (let i = 0; i < n; i++) {
      const id = `c${String(i).padStart(5, '0')}`;
      batch.push(
        { type: 'DatasetUploaded', data: { datasetId: `d${i}`, kind: 'contribution', contributorId: id } },
        { type: 'DatasetTokensCounted', data: { datasetId: `d${i}`, tokenizer: 'o200k_base', tokens: String(1 + (i % 7)) } },
        { type: 'DatasetAccepted', data: { datasetId: `d${i}`, kind: 'contribution', contributorId: id, tokens: String(1 + (i % 7)) } },
      );
    }
    for (const part of splitIntoAppends('dataset-bulk', batch))
      await events.appendToStream('dataset-bulk', part, { expectedRevision: 'any' });
    /** The real store, except that the second append of a payout run "crashes" the writer (the first is stored). */
    class CrashingBetweenAppends extends SqliteEventStore {
      runAppends = 0;
      override async appendToStream(streamName: string, toAppend: NewEvent[], options: AppendOptions): Promise<AppendResult> {
        if (streamName.startsWith('payout-run-') && ++this.runAppends === 2) throw new StoreUnavailable('process killed (injected)');
        return super.appendToStream(streamName, toAppend, options);
      }
    }
    const crashing = new CrashingBetweenAppends({ path: path.join(dir, 'events.db'), clock: () => new Date(now) });
    await events.appendToStream(
      'consumer-llm-corp',
      [
        { type: 'ConsumerRegistered', data: { consumerId: 'llm-corp', displayName: 'LLM Corp' } },
        {
          type: 'RevenueShareAgreed',
          data: {
            consumerId: 'llm-corp',
            alpha: '0.333333',
            currency: 'USD',
            policy: 'snapshot',
            effectiveFrom: '2024-01-01T00:00:00.000Z',
          },
        },
      ],
      { expectedRevision: 'no-stream' },
    );
    const r = await report('1234.56', { alpha: '0.333333' });
    // A chunk of 2,000 allocations is ~100 KB: at 200 KB per append the run needs several.
    const first = new PayoutProcessor(wrap(crashing), readModels, { restartDelayMs: 60_000, maxAppendBytes: 200_000 });
    processors.push(first);
    await first.start();
    for (let i = 0; i < 500 && crashing.runAppends < 2; i++) await new Promise((res) => setTimeout(res, 10));
    await first.stop();
    const partial = await payoutRunEvents(events, r.revenueId);
    expect(partial.map((e) => e.type)).not.toContain('PayoutRunCompleted');
    expect(partial.length).toBeGreaterThan(0);
    // The audit of the log as the crash left it: a run in progress, nothing wrong.
    const auditNow = createLedgerAudit();
    const problemsNow: unknown[] = [];
    let lineNow = 0;
    for await (const e of events.readAll()) auditNow.onEvent(e, ++lineNow, (p) => problemsNow.push(p));
    expect(problemsNow).toEqual([]);
    expect(auditNow.summary()).toMatchObject({ payoutRunsInProgress: 1, payoutRunsRecomputed: 0 });
    // Other events land in the log between the run's appends.
    await acceptDataset(events, 'd-late', 'late', 5);
    await crashing.close();

    const second = new PayoutProcessor(events, readModels, { restartDelayMs: 10, maxAppendBytes: 200_000 });
    processors.push(second);
    await second.start();
    await second.catchUp();
    await second.catchUp();
    const recorded = await payoutRunEvents(events, r.revenueId);
    expect(recorded.map((e) => e.type)).toEqual([
      'PayoutRunStarted',
      'PayoutRunAllocationsRecorded',
      'PayoutRunAllocationsRecorded',
      'PayoutRunAllocationsRecorded',
      'PayoutRunCompleted',
    ]);
    expect(recorded.map((e) => (e.data as { chunkIndex?: number }).chunkIndex).filter((c) => c !== undefined)).toEqual([0, 1, 2]);
    // Spread over several appends: other streams' events sit between its first and last event.
    const positions = recorded.map((e) => e.position);
    let between = 0;
    for await (const e of events.readAll({ afterPosition: positions[0], toPosition: positions[positions.length - 1] }))
      if (!e.streamName.startsWith('payout-run-')) between += 1;
    expect(between).toBeGreaterThan(0);
    const run = await payoutRun(events, r.revenueId);
    expect(run).toMatchObject({ chunkCount: 3, allocationCount: n, unallocated: '0.00' });
    // The audit recomputes it and finds nothing wrong.
    const audit = createLedgerAudit();
    const problems: unknown[] = [];
    let line = 0;
    for await (const e of events.readAll()) audit.onEvent(e, ++line, (p) => problems.push(p));
    expect(problems).toEqual([]);
    expect(audit.summary()).toMatchObject({ payoutRunsRecomputed: 1, revenueAwaitingPayout: 0, payoutRunsInProgress: 0 });
  });

  it('a correction of a run larger than one append is adjusted in several, completed by PayoutRunAdjusted; a crash between appends is completed once on restart', async () => {
    const n = ALLOCATIONS_PER_CHUNK * 2 + 7;
    await acceptMany(n);
    await registerConsumer('0.333333');
    const r = await report('1234.56', { alpha: '0.333333' });
    // A run's chunk of 2,000 allocations is ~100 KB, an adjustment's of 2,000 lines ~85 KB: at 200 KB per
    // append the run needs several appends, and at 100 KB so does the adjustment.
    const payer = new PayoutProcessor(events, readModels, { restartDelayMs: 10, maxAppendBytes: 200_000 });
    processors.push(payer);
    await payer.start();
    await payer.catchUp();
    await payer.stop();

    // The report restated: every contributor's share changes, so the adjustment lists all 4,007.
    const reported = (await events.readStream(streamNames.revenue(r.revenueId)))[0].data as RevenueReported['data'];
    const [corrected] = decideCorrection(
      { type: 'CorrectRevenue', data: { revenueId: r.revenueId, amount: '2000.00', reason: 'restated', idempotencyKey: 'fix-1' } },
      { status: 'reported', report: reported, amount: reported.amount, corrections: new Map() },
      new Date(now),
    );
    await events.appendToStream(streamNames.revenue(r.revenueId), [{ ...corrected, metadata: { actor: 'consumer:llm-corp' } }], {
      expectedRevision: 0,
    });
    const stream = streamNames.adjustment(corrected.data.correctionId);

    /** The real store, counting the adjustment's appends; the second one "crashes" the writer when asked to (the first is stored). */
    class CountingAppends extends SqliteEventStore {
      appends = 0;
      constructor(private readonly crashAt?: number) {
        super({ path: path.join(dir, 'events.db'), clock: () => new Date(now) });
      }
      override async appendToStream(streamName: string, toAppend: NewEvent[], options: AppendOptions): Promise<AppendResult> {
        if (streamName === stream && ++this.appends === this.crashAt) throw new StoreUnavailable('process killed (injected)');
        return super.appendToStream(streamName, toAppend, options);
      }
    }
    const crashing = new CountingAppends(2);
    const first = new PayoutProcessor(wrap(crashing), readModels, { restartDelayMs: 60_000, maxAppendBytes: 100_000 });
    processors.push(first);
    await first.start();
    for (let i = 0; i < 6000 && crashing.appends < 2; i++) await new Promise((res) => setTimeout(res, 10));
    await first.stop();
    await crashing.close();
    const partial = await events.readStream(stream);
    // The first append held one chunk (two are more than 100 KB); the second was lost with the writer.
    expect(partial.map((e) => e.type)).toEqual(['PayoutRunAdjustmentsRecorded']);
    // The log as the crash left it: an adjustment in progress, nothing wrong.
    const now1 = await auditLog();
    expect(now1.problems).toEqual([]);
    expect(now1.summary).toMatchObject({ adjustmentsInProgress: 1, correctionsRecomputed: 0, correctionsAwaitingAdjustment: 1 });
    // Other events land in the log between the adjustment's appends.
    await acceptDataset(events, 'd-late', 'late', 5);

    const counting = new CountingAppends();
    const second = new PayoutProcessor(wrap(counting), readModels, { restartDelayMs: 10, maxAppendBytes: 100_000 });
    processors.push(second);
    await second.start();
    await second.catchUp();
    await second.catchUp();
    await second.stop();
    await counting.close();
    // The rest of the adjustment (chunks 1 and 2 and PayoutRunAdjusted: ~90 KB) in one more append.
    expect(counting.appends).toBe(1);
    const recorded = await events.readStream(stream);
    expect(recorded.map((e) => e.type)).toEqual([
      'PayoutRunAdjustmentsRecorded',
      'PayoutRunAdjustmentsRecorded',
      'PayoutRunAdjustmentsRecorded',
      'PayoutRunAdjusted',
    ]);
    expect(recorded.slice(0, 3).map((e) => (e.data as { chunkIndex: number }).chunkIndex)).toEqual([0, 1, 2]);
    expect(recorded[3].data).toMatchObject({ adjustmentCount: n, chunkCount: 3, previousAmount: '1234.56', amount: '2000.00' });
    const positions = recorded.map((e) => e.position);
    let between = 0;
    for await (const e of events.readAll({ afterPosition: positions[0], toPosition: positions[positions.length - 1] }))
      if (e.streamName !== stream) between += 1;
    expect(between).toBeGreaterThan(0);
    // The audit recomputes the whole adjustment from the log and finds nothing wrong.
    const after = await auditLog();
    expect(after.problems).toEqual([]);
    expect(after.summary).toMatchObject({
      correctionsRecomputed: 1,
      adjustmentLinesRecomputed: n,
      adjustmentsInProgress: 0,
      correctionsAwaitingAdjustment: 0,
    });
  });

  it('restarts after a failed append and still pays the report it failed on, once', async () => {
    /** The real store, except that the first append of a payout run fails as if the disk were full. */
    class FailingOnce extends SqliteEventStore {
      failures = 0;
      override async appendToStream(streamName: string, toAppend: NewEvent[], options: AppendOptions): Promise<AppendResult> {
        if (streamName.startsWith('payout-run-') && this.failures++ === 0) throw new StoreUnavailable('disk full (injected)');
        return super.appendToStream(streamName, toAppend, options);
      }
    }
    await events.close();
    const failing = new FailingOnce({ path: path.join(dir, 'events.db'), clock: () => new Date(now) });
    events = wrap(failing);
    await acceptDataset(events, 'd-alice', 'alice', 10);
    const r1 = await report('1.00');
    const r2 = await report('2.00');
    const p = await startProcessor(events);
    for (let i = 0; i < 200 && !(await events.streamExists(`payout-run-${r2.revenueId}`)); i++)
      await new Promise((res) => setTimeout(res, 10));
    await p.catchUp();
    expect(failing.failures).toBeGreaterThan(1);
    expect(amounts(await payoutRun(events, r1.revenueId))).toEqual({ alice: '0.50' });
    expect(amounts(await payoutRun(events, r2.revenueId))).toEqual({ alice: '1.00' });
    expect((await payoutRunEvents(events, r1.revenueId)).length).toBe(3);
  });
});
