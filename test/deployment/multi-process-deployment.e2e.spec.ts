/**
 * A real scale-out deployment, as separate operating-system processes:
 * 2 API processes (PROCESS_DATASETS=false) and 2 apps/worker processes on
 * one event log, MongoDB read models and GridFS blobs (FerretDB in CI).
 * Uploads and revenue go through both APIs; one worker is SIGKILLed while
 * it is analysing a dataset. The pool and the payout runs must equal those
 * of one embedded single-process service (SQLite everything) given the same
 * inputs in the same order.
 *
 * The event log: with DEPLOY_EVENT_STORE_URL=postgres://… (set by .ci/run)
 * the PostgreSQL event store, in a fresh schema of that database created
 * for this run and dropped after it (any schema parameter in the URL is
 * replaced), and the dataset claims are PostgreSQL leases (FOR UPDATE SKIP
 * LOCKED) next to it; without it, the embedded SQLite file shared by the
 * four processes, with leases in DATA_DIR/claims.db.
 * Needs the build (npm test builds) and MONGODB_URL; without a server the
 * suite is listed as skipped, except under REQUIRE_SERVERS=1 (.ci/run),
 * where a missing MONGODB_URL or DEPLOY_EVENT_STORE_URL is a failure.
 */
import { streamNames } from '@1tt/ledger';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { DATASET_PROGRESS_REPORTED, datasetProgressStream } from '@1tt/dataset-processing';
import { createEventStore, StreamNotFound, type EventStore } from '@1tt/event-store';
import { ServiceProcess } from '../faults/support/service-process';
import { licenseText, shuffledLicense } from '../support/license-texts';

const url = process.env.MONGODB_URL;
const deployEvents = process.env.DEPLOY_EVENT_STORE_URL;
const onPostgres = deployEvents !== undefined && /^postgres(ql)?:\/\//i.test(deployEvents);
/** A fresh schema per run: the run's log, its claims, nothing else; dropped afterwards. */
const pgSchema = `deploy_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
function inFreshSchema(pgUrl: string): string {
  const u = new URL(pgUrl);
  u.searchParams.set('schema', pgSchema);
  return u.toString();
}
const eventStoreUrl = onPostgres ? inFreshSchema(deployEvents) : deployEvents;
jest.setTimeout(600_000);

const WORKER_JS = path.join(process.env.ONETT_DIST ?? path.join(__dirname, '..', '..', 'dist'), 'apps', 'worker', 'src', 'main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PERIOD = { periodStart: '2026-11-01T00:00:00Z', periodEnd: '2026-12-01T00:00:00Z' };
const NAMES = ['GPL-3', 'GPL-2', 'LGPL-2.1', 'Apache-2.0', 'GFDL-1.3', 'MPL-2.0', 'Artistic'];

/** The inputs, in order: who uploads what, then the revenue reports. */
const big = (seed: number, n: number) =>
  Array.from({ length: n }, (_, i) => shuffledLicense(NAMES[i % NAMES.length], seed + i)).join('\n\n');
const UPLOADS: { contributor: number; fileName: string; content: string }[] = [
  // About 8 MB: long enough on one worker thread to be cut in the middle.
  { contributor: 0, fileName: 'big-a.txt', content: big(100, 420) },
  { contributor: 1, fileName: 'licences-b.txt', content: [licenseText('GPL-3'), licenseText('Apache-2.0')].join('\n\n') },
  // Half of it repeats documents of the first upload: deduplicated against the pool.
  { contributor: 2, fileName: 'mixed-c.txt', content: [big(100, 20), big(9000, 40)].join('\n\n') },
  { contributor: 0, fileName: 'small-a.txt', content: [licenseText('MPL-2.0'), licenseText('Artistic')].join('\n\n') },
  { contributor: 1, fileName: 'medium-b.txt', content: big(5000, 120) },
  // B's first upload's documents in another order (another file, nothing new).
  { contributor: 2, fileName: 'copy-c.txt', content: [licenseText('Apache-2.0'), licenseText('GPL-3')].join('\n\n') },
];
const REVENUE = [
  { amount: '1000.00', currency: 'USD', ...PERIOD },
  { amount: '333.33', currency: 'USD', ...PERIOD },
];

interface Outcome {
  datasetIds: string[];
  datasets: unknown[];
  pool: unknown;
  runs: unknown[];
}

/** A running set-up: where requests go (round-robin over its APIs) and how to read the results. */
interface Deployment {
  apis: ServiceProcess[];
  adminKey: string;
}

async function expectStatus(r: Promise<{ status: number; body: unknown; text: string }>, status: number) {
  const a = await r;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${a.text.slice(0, 500)}`);
  return a.body as Record<string, unknown> & { [k: string]: never };
}

/** Drives the same inputs through a deployment; `during` runs once every upload is acknowledged. */
async function drive(d: Deployment, during: (datasetIds: string[]) => Promise<void>): Promise<Outcome> {
  const api = (n: number) => d.apis[n % d.apis.length];
  const contributors: { id: string; key: string; name: string }[] = [];
  for (const [n, name] of ['Ada', 'Grace', 'Edsger'].entries()) {
    const r = await expectStatus(api(n).request('POST', '/v1/contributors', { key: d.adminKey, json: { displayName: name } }), 201);
    contributors.push({ id: r.contributorId as string, key: r.apiKey as string, name });
  }
  const consumer = await expectStatus(api(1).request('POST', '/v1/consumers', { key: d.adminKey, json: { displayName: 'LLM Co' } }), 201);
  const consumerId = consumer.consumerId as string;
  await expectStatus(
    api(0).request('PUT', `/v1/consumers/${consumerId}/agreement`, {
      key: d.adminKey,
      json: { alpha: '0.3', currency: 'USD', policy: 'snapshot' },
    }),
    200,
  );
  const datasetIds: string[] = [];
  for (const [n, u] of UPLOADS.entries()) {
    // One document per paragraph (a .txt upload is one document by default): the big upload takes long enough to be cut.
    const r = await api(n).upload(contributors[u.contributor].key, u.fileName, u.content, { split: 'paragraph' });
    if (r.status !== 202) throw new Error(`upload ${u.fileName}: ${r.status} ${r.text}`);
    datasetIds.push(r.body.datasetId as string);
  }
  await during(datasetIds);
  // Every dataset decided, seen through every API.
  const datasets: unknown[] = [];
  for (const [n, id] of datasetIds.entries()) {
    let body: Record<string, unknown> = { status: 'processing' };
    for (let i = 0; i < 3000 && body.status === 'processing'; i++) {
      if (i > 0) await sleep(100);
      body = await expectStatus(api(n + i).request('GET', `/v1/datasets/${id}`, { key: d.adminKey }), 200);
    }
    if (body.status === 'processing') throw new Error(`dataset ${UPLOADS[n].fileName} still processing`);
    datasets.push(normaliseDataset(body, contributors));
  }
  const revenueIds: string[] = [];
  for (const [n, body] of REVENUE.entries()) {
    const r = await expectStatus(
      api(n).request('POST', '/v1/revenue', { key: consumer.apiKey as string, json: body, headers: { 'Idempotency-Key': `report-${n}` } }),
      201,
    );
    revenueIds.push(r.revenueId as string);
  }
  const runs: unknown[] = [];
  for (const revenueId of revenueIds) {
    const seen: string[] = [];
    for (const a of d.apis) {
      let r = await a.request('GET', `/v1/payout-runs/${revenueId}`, { key: d.adminKey });
      for (let i = 0; i < 1200 && r.status !== 200; i++) {
        await sleep(100);
        r = await a.request('GET', `/v1/payout-runs/${revenueId}`, { key: d.adminKey });
      }
      if (r.status !== 200) throw new Error(`payout run of ${revenueId}: ${r.status} ${r.text}`);
      seen.push(JSON.stringify(normaliseRun(r.body, contributors, revenueIds, consumerId)));
    }
    // Every API process answers the same run.
    expect(new Set(seen).size).toBe(1);
    runs.push(JSON.parse(seen[0]));
  }
  const pool = normalisePool(await expectStatus(api(0).request('GET', '/v1/pool', { key: d.adminKey }), 200), contributors);
  return { datasetIds, datasets, pool, runs };
}

/** Ids differ between deployments: replace each contributor, consumer, revenue and dataset id by a stable name. */
function renamer(contributors: { id: string; name: string }[], extra: Record<string, string> = {}) {
  const names = new Map<string, string>([...contributors.map((c): [string, string] => [c.id, c.name]), ...Object.entries(extra)]);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return names.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [names.get(k) ?? k, walk(x)]));
    return v;
  };
  return walk;
}

const VOLATILE =
  /^(datasetId|uploadedAt|decidedAt|createdAt|recordedAt|reportedAt|position|asOfPosition|reflectsPosition|atPosition|etag|progress|links|_links|runId|rootHash|hash|sha256|blobRef|reportBlobRef|eventId|eventIds|lastPosition|nextPosition|poolPosition|processedBy|completedAt|runPosition)$/i;
/** Drops what differs between deployments by nature; lists of per-contributor entries (ordered by id) are put in name order. */
function dropVolatile(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(dropVolatile);
    const byContributor = (x: unknown) => String((x as { contributorId?: unknown })?.contributorId ?? '');
    return items.every((x) => x && typeof x === 'object' && 'contributorId' in x)
      ? [...items].sort((a, b) => byContributor(a).localeCompare(byContributor(b)))
      : items;
  }
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.test(k))
        .map(([k, x]) => [k, dropVolatile(x)]),
    );
  return v;
}

function normaliseDataset(body: Record<string, unknown>, contributors: { id: string; name: string }[]) {
  return dropVolatile(renamer(contributors)(body));
}
function normalisePool(body: unknown, contributors: { id: string; name: string }[]) {
  return dropVolatile(renamer(contributors)(body));
}
function normaliseRun(body: unknown, contributors: { id: string; name: string }[], revenueIds: string[], consumerId: string) {
  const extra = Object.fromEntries([...revenueIds.map((id, n): [string, string] => [id, `revenue-${n}`]), [consumerId, 'consumer']]);
  return dropVolatile(renamer(contributors, extra)(body));
}

/** A stream's events, none when it does not exist yet. */
async function readOrNone(events: EventStore, stream: string) {
  try {
    return await events.readStream(stream);
  } catch (e) {
    if ((e as { name?: string }).name === 'StreamNotFound' || e instanceof StreamNotFound) return [];
    throw e;
  }
}

function startWorker(env: NodeJS.ProcessEnv, log: Buffer[]): ChildProcess {
  const child = spawn(process.execPath, [WORKER_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => log.push(b));
  child.stderr?.on('data', (b: Buffer) => log.push(b));
  return child;
}

if (process.env.REQUIRE_SERVERS === '1' && (!url || !onPostgres)) {
  describe('deployment: 2 API processes and 2 workers (REQUIRE_SERVERS=1)', () => {
    it('has MongoDB (MONGODB_URL) and a PostgreSQL event store (DEPLOY_EVENT_STORE_URL=postgres://…) to run on', () => {
      throw new Error(
        `REQUIRE_SERVERS=1 but MONGODB_URL is ${url ? 'set' : 'unset'} and DEPLOY_EVENT_STORE_URL is ${deployEvents ?? 'unset'}`,
      );
    });
  });
}

(url ? describe : describe.skip)(
  url
    ? `deployment: 2 API processes and 2 workers on one ${onPostgres ? 'PostgreSQL' : eventStoreUrl ? 'shared' : 'SQLite'} log, MongoDB read models and GridFS blobs`
    : 'deployment: 2 API processes and 2 workers (skipped: no server; set MONGODB_URL)',
  () => {
    const dirs: string[] = [];
    const services: ServiceProcess[] = [];
    const workers: ChildProcess[] = [];
    const database = `deploy_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const tempDir = (prefix: string) => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    };

    afterAll(async () => {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      for (const s of services) await s.kill();
      const client = new MongoClient(url!);
      try {
        await client.connect();
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
      if (onPostgres) {
        const client = new pg.Client({ connectionString: deployEvents });
        try {
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
        } finally {
          await client.end();
        }
      }
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it('gives the pool and payout runs of a single embedded process, with a worker SIGKILLed mid-dataset', async () => {
      for (const f of [WORKER_JS]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: run npm run build (npm test does)`);

      // The reference: one process, SQLite events and read models, blobs in a directory.
      const reference = new ServiceProcess({
        dataDir: tempDir('1tt-reference-'),
        adminKey: `ref-admin-${randomBytes(24).toString('base64url')}`,
      });
      services.push(reference);
      await reference.start();
      const expected = await drive({ apis: [reference], adminKey: reference.options.adminKey! }, async () => undefined);
      await reference.stop();

      // The deployment.
      const dataDir = tempDir('1tt-deploy-');
      const mongo = `${url!.replace(/\/[^/?]*(\?.*)?$/, '')}/${database}`;
      const adminKey = `deploy-admin-${randomBytes(24).toString('base64url')}`;
      const shared: Record<string, string> = {
        READ_MODEL_URL: mongo,
        BLOB_STORE_URL: mongo,
        DATASET_CLAIM_LEASE_SECONDS: '3',
        DATASET_PROGRESS_SECONDS: '1',
        ...(eventStoreUrl ? { EVENT_STORE_URL: eventStoreUrl } : {}),
      };
      const apis = [0, 1].map(
        (n) =>
          new ServiceProcess({ dataDir, adminKey, env: { ...shared, PROCESS_DATASETS: 'false', LOG_LEVEL: n === 0 ? 'log' : 'warn' } }),
      );
      services.push(...apis);
      // One after the other: the first start writes the admin key's event.
      for (const a of apis) await a.start();
      const workerLogs: Buffer[][] = [[], []];
      const workerEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        WORKER_THREADS: '1',
        ...shared,
      };
      workers.push(...workerLogs.map((log) => startWorker(workerEnv, log)));

      const events: EventStore = await createEventStore(eventStoreUrl ?? `sqlite:${path.join(dataDir, 'events.db')}`);
      let killed: { pid: number; datasetId: string } | undefined;
      try {
        const actual = await drive({ apis, adminKey }, async (datasetIds) => {
          // Wait for a worker to report progress on a dataset it has not decided yet, then SIGKILL it.
          for (let i = 0; i < 1200 && !killed; i++) {
            for (const id of datasetIds) {
              const decided = (await events.readStream(streamNames.dataset(id))).length > 1;
              const progress = (await readOrNone(events, datasetProgressStream(id))).filter((e) => e.type === DATASET_PROGRESS_REPORTED);
              const actor = progress[progress.length - 1]?.metadata.actor as string | undefined;
              const victim = workers.find((w) => actor === `system:worker:${w.pid}`);
              if (!decided && victim) {
                victim.kill('SIGKILL');
                await new Promise((r) => (victim.exitCode === null && victim.signalCode === null ? victim.once('exit', r) : r(undefined)));
                killed = { pid: victim.pid!, datasetId: id };
                break;
              }
            }
            if (!killed) await sleep(100);
          }
          expect(killed).toBeDefined();
        });

        // The killed worker's dataset was decided by the other worker, not left behind.
        const decision = (await events.readStream(streamNames.dataset(killed!.datasetId))).slice(1);
        expect(decision.length).toBeGreaterThan(0);
        const survivor = workers.find((w) => w.pid !== killed!.pid)!;
        expect(decision.map((e) => e.metadata.actor)).toEqual(decision.map(() => `system:worker:${survivor.pid}`));
        // No dataset was decided twice: one upload and one decision (its events) per stream.
        for (const id of actual.datasetIds) {
          const types = (await events.readStream(streamNames.dataset(id))).map((e) => e.type);
          expect([id, types.filter((t) => t === 'DatasetPreprocessed').length]).toEqual([id, 1]);
        }

        if (onPostgres) {
          // The workers shared the datasets through PostgreSQL leases next to the log: every dataset's row
          // is decided, and the killed worker's dataset is held by the survivor (owner host:pid:random).
          for (const log of workerLogs) expect(Buffer.concat(log).toString()).toContain('claims: PostgreSQL leases');
          const client = new pg.Client({ connectionString: deployEvents });
          await client.connect();
          try {
            const rows = (
              await client.query<{ dataset_id: string; owner: string; decided: boolean }>(
                `SELECT dataset_id, owner, decided FROM "${pgSchema}".dataset_claims ORDER BY dataset_id`,
              )
            ).rows;
            expect(rows.map((r) => [r.dataset_id, r.decided])).toEqual([...actual.datasetIds].sort().map((id) => [id, true]));
            expect(rows.find((r) => r.dataset_id === killed!.datasetId)?.owner).toMatch(new RegExp(`:${survivor.pid}:`));
          } finally {
            await client.end();
          }
        }

        expect(actual.datasetIds).toHaveLength(UPLOADS.length);
        expect(actual.datasets).toEqual(expected.datasets);
        expect(actual.pool).toEqual(expected.pool);
        expect(actual.runs).toEqual(expected.runs);
      } catch (e) {
        process.stdout.write(
          `worker logs:\n${workerLogs
            .map((l) => Buffer.concat(l).toString())
            .join('\n---\n')
            .slice(-6000)}\n`,
        );
        process.stdout.write(
          `api logs:\n${apis
            .map((a) => a.output())
            .join('\n---\n')
            .slice(-6000)}\n`,
        );
        throw e;
      } finally {
        await events.close();
      }
    });
  },
);
