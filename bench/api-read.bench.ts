/**
 * Read-side figures of the ledger API on the embedded stores:
 *  - point-in-time read latency (p50/p99) of contributor metrics (pool +
 *    revenue + accounts read models joined at one position) and of the
 *    pool page, at random log positions, with 1,000,000 events in the log;
 *  - requests/s of GET /v1/contributors/{id}/metrics over HTTP under
 *    concurrent load (autocannon), latest and at random positions.
 *
 * The log is synthetic but shaped like production: contributors, datasets
 * (uploaded, counted, accepted; some withdrawn), revenue reports each with
 * its payout run over every contributor, settlements. The HTTP figures use
 * a read-only API process (stores, auth, change feed, the ledger read side)
 * so that the datasets job runner and payout processor do not replay the
 * million events during the measurement.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { allocate, allocationRootHash, formatMinor, ROUNDING_RULE_VERSION } from '@1tt/ledger';
import { loadConfig } from '@1tt/config';
import { createEventStore, type EventStore, type NewEvent } from '@1tt/event-store';
import { createReadModelStore, ProjectionRunner, type ReadModelStore } from '@1tt/read-models';
import { AuthModule } from '../src/auth/auth.module';
import { ChangeFeed } from '../src/change-feed/change-feed.service';
import { ChangeFeedModule } from '../src/change-feed/change-feed.module';
import { ProblemDetailsFilter } from '../src/http/problem-details.filter';
import { AuditTrailQuery } from '../src/ledger-queries/audit-trail/audit-trail.query';
import { ContributorMetricsQuery } from '../src/ledger-queries/accounts/contributor-metrics.query';
import { PoolQuery } from '../src/ledger-queries/pool/pool.query';
import { PayoutRunQuery } from '../src/ledger-queries/revenue/payout-run.query';
import { LedgerQueriesModule } from '../src/ledger-queries/ledger-queries.module';
import { DirectoryModule } from '../src/directory/directory.module';
import { LedgerReadModels } from '../src/ledger-queries/ledger-read-models.service';
import { RevenueVisibilityPolicy } from '../src/ledger-queries/revenue-visibility.policy';
import { ProjectionRegistry } from '../src/stores/projection-registry';
import { LEDGER_PROJECTIONS } from '../src/ledger-queries/ledger-projections';
import { StoresModule } from '../src/stores/stores.module';
import { latency, quick, report, timed } from './bench-report';
import { seededIntegers } from './seeded-random';
import type { EligiblePool } from '../src/ledger-queries/eligible-pool/eligible-pool.service';

/** No consumer of the bench has a scope: metrics take every share from the pool read model. */
const NO_ELIGIBLE_POOL = {
  termsOf: async () => ({ registered: true }),
  at: async () => {
    throw new Error('the bench has no payout processor');
  },
} as unknown as EligiblePool;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;

const EVENTS = Number(process.env.BENCH_EVENTS ?? (quick ? 20_000 : 1_000_000));
const CONTRIBUTORS = quick ? 100 : 1_000;
const CONSUMERS = 5;
/** A revenue report (and its run) every this many events. */
const REPORT_EVERY = quick ? 2_000 : 20_000;
const EVENTS_PER_APPEND = 999;
const QUERIES = quick ? 300 : 3_000;
const HTTP_SECONDS = quick ? 3 : 10;

const rng = seededIntegers;

const cid = (i: number): string => `c${String(i).padStart(5, '0')}`;

/** Appends the synthetic log in batches of ~1000 events per append (one transaction each). */
async function seed(events: EventStore): Promise<void> {
  const r = rng(7);
  const pool = new Map<string, bigint>();
  const accepted: Array<{ id: string; contributor: string; tokens: bigint }> = [];
  const latestAlloc = new Map<string, bigint>();
  let position = 0;
  let datasetN = 0;
  let reportN = 0;
  let batchN = 0;
  let nextReport = REPORT_EVERY;
  const meta = { actor: 'system:bench', correlationId: 'bench', causationId: 'bench' };
  const flush = async (stream: string, list: NewEvent[]): Promise<void> => {
    if (list.length === 0) return;
    const res = await events.appendToStream(
      stream,
      list.map((e) => ({ ...e, metadata: meta })),
      { expectedRevision: 'no-stream' },
    );
    position = res.position;
  };
  const registrations: NewEvent[] = [];
  for (let i = 0; i < CONTRIBUTORS; i++)
    registrations.push({ type: 'ContributorRegistered', data: { contributorId: cid(i), displayName: cid(i) } });
  await flush('contributor-bench', registrations);
  const agreements: NewEvent[] = [];
  for (let k = 0; k < CONSUMERS; k++) {
    agreements.push({ type: 'ConsumerRegistered', data: { consumerId: `k${k}` } });
    agreements.push({
      type: 'RevenueShareAgreed',
      data: { consumerId: `k${k}`, alpha: '0.25', currency: 'EUR', policy: 'snapshot', effectiveFrom: '2020-01-01T00:00:00.000Z' },
    });
  }
  await flush('consumer-bench', agreements);

  while (position < EVENTS) {
    // Datasets: uploaded, counted, accepted; now and then an earlier one is withdrawn.
    const list: NewEvent[] = [];
    while (list.length < EVENTS_PER_APPEND - 3 && position + list.length < nextReport && position + list.length < EVENTS) {
      if (accepted.length > 100 && r(50) === 0) {
        const d = accepted.splice(r(accepted.length), 1)[0];
        list.push({ type: 'DatasetWithdrawn', data: { datasetId: d.id } });
        pool.set(d.contributor, (pool.get(d.contributor) ?? 0n) - d.tokens);
        continue;
      }
      const id = `d${datasetN++}`;
      const contributor = cid(r(CONTRIBUTORS));
      const tokens = BigInt(1_000 + r(100_000));
      list.push(
        {
          type: 'DatasetUploaded',
          data: {
            datasetId: id,
            kind: 'contribution',
            contributorId: contributor,
            fileName: `${id}.txt`,
            format: 'txt',
            compression: 'none',
            textField: 'text',
            sizeBytes: 1000,
            sha256: id,
            blobRef: id,
          },
        },
        {
          type: 'DatasetTokensCounted',
          data: { datasetId: id, tokenizer: 'o200k_base', tokens: tokens.toString(), countedAt: '2026-01-01T00:00:00.000Z' },
        },
        {
          type: 'DatasetAccepted',
          data: {
            datasetId: id,
            kind: 'contribution',
            contributorId: contributor,
            tokens: tokens.toString(),
            acceptedAt: '2026-01-01T00:00:00.000Z',
          },
        },
      );
      accepted.push({ id, contributor, tokens });
      pool.set(contributor, (pool.get(contributor) ?? 0n) + tokens);
    }
    await flush(`dataset-bench${batchN++}`, list);
    if (position >= nextReport) {
      nextReport += REPORT_EVERY;
      const revenueId = `r${reportN}`;
      const consumerId = `k${reportN % CONSUMERS}`;
      reportN++;
      const amount = BigInt(100_000 + r(10_000_000));
      await flush(`revenue-${revenueId}`, [
        {
          type: 'RevenueReported',
          data: {
            revenueId,
            consumerId,
            amount: formatMinor(amount, 'EUR'),
            currency: 'EUR',
            alpha: '0.25',
            policy: 'snapshot',
            periodStart: '2026-01-01T00:00:00.000Z',
            periodEnd: '2026-02-01T00:00:00.000Z',
          },
        },
      ]);
      const poolAmount = (amount * 250_000n) / 1_000_000n;
      const ids = [...pool.keys()].filter((c) => pool.get(c)! > 0n).sort();
      const result = allocate(
        poolAmount,
        ids.map((contributorId) => ({ contributorId, weight: pool.get(contributorId)! })),
      );
      const allocations = result.allocations.map((a) => ({
        contributorId: a.contributorId,
        tokens: a.weight.toString(),
        weight: a.weight.toString(),
        amount: formatMinor(a.amount, 'EUR'),
      }));
      const total = ids.reduce((s, c) => s + pool.get(c)!, 0n).toString();
      const common = { revenueId, consumerId, currency: 'EUR' };
      await flush(`payout-run-${revenueId}`, [
        { type: 'PayoutRunAllocationsRecorded', data: { ...common, chunkIndex: 0, allocations } },
        {
          type: 'PayoutRunCompleted',
          data: {
            ...common,
            poolPosition: position,
            policy: 'snapshot',
            amount: formatMinor(amount, 'EUR'),
            alpha: '0.25',
            totalTokens: total,
            totalWeight: total,
            poolAmount: formatMinor(poolAmount, 'EUR'),
            remainder: formatMinor(amount - poolAmount, 'EUR'),
            unallocated: '0.00',
            allocated: formatMinor(poolAmount, 'EUR'),
            chunkCount: 1,
            allocationCount: allocations.length,
            rootHash: allocationRootHash(allocations),
            roundingRuleVersion: ROUNDING_RULE_VERSION,
          },
        },
      ]);
      const amounts = new Map(result.allocations.map((a) => [a.contributorId, a.amount]));
      for (const a of allocations)
        latestAlloc.set(a.contributorId, (latestAlloc.get(a.contributorId) ?? 0n) + amounts.get(a.contributorId)!);
      const settle = cid(r(CONTRIBUTORS));
      const owed = latestAlloc.get(settle) ?? 0n;
      if (owed > 0n) {
        await flush(`settlement-${revenueId}`, [
          {
            type: 'PayoutSettled',
            data: {
              contributorId: settle,
              amount: formatMinor(owed, 'EUR'),
              currency: 'EUR',
              reference: revenueId,
              settledAt: '2026-02-02T00:00:00.000Z',
            },
          },
        ]);
        latestAlloc.set(settle, 0n);
      }
    }
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-api-read-bench-'));
  const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
  const config = loadConfig({ DATA_DIR: dir, ADMIN_API_KEY: adminKey, RATE_LIMIT_PER_MINUTE: '0' });
  if (config.eventStore.kind === 'sqlite') fs.mkdirSync(path.dirname(config.eventStore.path), { recursive: true });
  if (config.readModels.kind === 'sqlite') fs.mkdirSync(path.dirname(config.readModels.path), { recursive: true });
  let app: INestApplication | undefined;
  try {
    const events = await createEventStore(config.eventStore.url);
    const seconds = await timed(() => seed(events));
    const head = await events.headPosition();
    report(`log written (${head.toLocaleString('en-US')} events, ~${EVENTS_PER_APPEND} per append)`, head / seconds, 'events/s');

    const store: ReadModelStore = await createReadModelStore(config.readModels.url);
    for (const projection of LEDGER_PROJECTIONS) {
      const runner = new ProjectionRunner(store, events, projection, { maxBatchSize: 1000 });
      const s = await timed(async () => {
        await runner.start();
        if (!(await runner.waitFor(head, 900_000))) throw new Error(`${projection.name} did not catch up`);
      });
      report(`projection ${projection.name} catch-up`, head / s, 'events/s');
      await runner.stop();
    }

    // Point-in-time reads through the query service (what a GET does below HTTP).
    const readModels = new LedgerReadModels(store, events, new ChangeFeed(), new ProjectionRegistry());
    await readModels.onApplicationBootstrap();
    const queries = {
      // The bench reads the whole pool and unscoped metrics: the eligible pool (the payout processor's fold) is not running here.
      metrics: new ContributorMetricsQuery(readModels, new RevenueVisibilityPolicy(events), NO_ELIGIBLE_POOL),
      pool: new PoolQuery(readModels, NO_ELIGIBLE_POOL),
      payoutRun: new PayoutRunQuery(readModels, new RevenueVisibilityPolicy(events)),
      auditTrail: new AuditTrailQuery(readModels),
    };
    const admin = { role: 'admin' as const, subjectId: 'bench', keyId: 'bench' };
    const r = rng(11);
    const size = `${(head / 1e6).toFixed(2)}M-event log`;
    await latency(`metrics at a random position (${size})`, QUERIES, () =>
      queries.metrics.metrics(admin, cid(r(CONTRIBUTORS)), { atPosition: String(1 + r(head)) }),
    );
    await latency('metrics latest', QUERIES, () => queries.metrics.metrics(admin, cid(r(CONTRIBUTORS)), {}));
    await latency('pool page (100) at a random position', Math.max(100, QUERIES / 10), () =>
      queries.pool.pool(admin, { atPosition: String(1 + r(head)), limit: '100' }),
    );
    const runs = Math.floor(head / REPORT_EVERY);
    if (runs > 0)
      await latency('payout run page (100), latest', Math.max(100, QUERIES / 10), () =>
        queries.payoutRun.payoutRun(admin, `r${r(runs)}`, { limit: '100' }),
      );
    await latency('audit trail page (100) at a random position', Math.max(100, QUERIES / 10), () =>
      queries.auditTrail.auditTrail(admin, cid(r(CONTRIBUTORS)), { atPosition: String(1 + r(head)), limit: '100' }),
    );
    await readModels.onModuleDestroy();

    // HTTP under load: a read-only API process on the same stores.
    @Module({
      imports: [
        StoresModule.forRoot(config, { eventStore: events, readModels: store }),
        AuthModule.forRoot(config, () => undefined),
        ChangeFeedModule,
        LedgerQueriesModule,
        DirectoryModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
    class ReadApiModule {}
    app = await NestFactory.create(ReadApiModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const headers = { authorization: `Bearer ${adminKey}` };
    const rq = rng(5);
    for (const [label, pathOf] of [
      ['GET /v1/contributors/{id}/metrics (latest)', () => `/v1/contributors/${cid(rq(CONTRIBUTORS))}/metrics`],
      [
        'GET /v1/contributors/{id}/metrics?atPosition=random',
        () => `/v1/contributors/${cid(rq(CONTRIBUTORS))}/metrics?atPosition=${1 + rq(head)}`,
      ],
    ] as const) {
      const result = await autocannon({
        url,
        connections: 32,
        duration: HTTP_SECONDS,
        requests: [{ method: 'GET', headers, setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pathOf() }) }],
      });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      report(`${label}, 32 connections`, result.requests.average, 'req/s');
      report(`${label} latency p50`, result.latency.p50, 'ms');
      report(`${label} latency p99`, result.latency.p99, 'ms');
    }
    await app.close();
    app = undefined;
  } finally {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
