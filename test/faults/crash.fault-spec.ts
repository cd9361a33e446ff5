/**
 * Crash test: the built service as a child process, driven by concurrent
 * revenue reports, uploads and withdrawals, SIGKILLed at seeded random
 * moments, restarted. Afterwards: every acknowledged request is in the log
 * exactly once, every report has exactly one payout run, every dataset left
 * "processing", read models rebuilt from position 0 answer the same, and
 * every hash chain verifies.
 *
 * Reproduce a run with the printed seed: FAULT_SEED=<seed> npm run test:faults
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SqliteEventStore, verifyChain, type RecordedEvent } from '@1tt/event-store';
import { prose, seededRandom, ServiceProcess } from './support/service-process';

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 5);
const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };
const LICENSES = ['GPL-3', 'GPL-2', 'Apache-2.0', 'LGPL-2.1', 'MPL-2.0', 'GFDL-1.3', 'Artistic'];

interface Revenue {
  key: string;
  body: { amount: string; currency: string; periodStart: string; periodEnd: string };
  revenueId?: string;
}

/** Nest's shutdown hook closes everything, then re-raises SIGTERM: that exit, or code 0, is a clean stop. */
const graceful = (exit: { code: number | null; signal: string | null } | undefined) => exit?.code === 0 || exit?.signal === 'SIGTERM';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`crash test: SIGKILL at seeded random moments (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  const rnd = seededRandom(SEED);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-faults-'));
  const adminKey = `fault-admin-${randomBytes(24).toString('base64url')}`;
  const svc = new ServiceProcess({ dataDir, adminKey });
  let consumerKey: string;
  const contributors: Array<{ id: string; key: string }> = [];
  const ackedRevenue = new Map<string, Revenue>();
  let unknownRevenue: Revenue[] = [];
  const ackedUploads = new Map<string, { contributorKey: string }>();
  const ackedWithdrawals = new Set<string>();
  const unexpected: string[] = [];
  let uploadSeed = SEED % 100000;

  beforeAll(() => {
    process.stdout.write(`crash test seed ${SEED} (reproduce: FAULT_SEED=${SEED} npm run test:faults)\n`);
  });
  afterAll(async () => {
    await svc.kill();
    if (process.env.FAULT_KEEP_DATA) process.stdout.write(`data kept in ${dataDir}\n`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // fetch's errors come from Node's realm, not Jest's sandbox: match by name, not instanceof.
  const isNetworkError = (e: unknown) => ['TypeError', 'AbortError', 'TimeoutError'].includes((e as { name?: string })?.name ?? '');

  async function sendRevenue(r: Revenue): Promise<'acked' | 'unknown'> {
    try {
      const res = await svc.request('POST', '/v1/revenue', { key: consumerKey, json: r.body, headers: { 'Idempotency-Key': r.key } });
      if (res.status === 200 || res.status === 201) {
        const earlier = ackedRevenue.get(r.key);
        if (earlier && earlier.revenueId !== res.body.revenueId)
          unexpected.push(`revenue ${r.key} answered two ids: ${earlier.revenueId} and ${res.body.revenueId}`);
        ackedRevenue.set(r.key, { ...r, revenueId: res.body.revenueId });
        return 'acked';
      }
      unexpected.push(`revenue ${r.key}: ${res.status} ${res.text.slice(0, 300)}`);
      return 'unknown';
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      return 'unknown';
    }
  }

  async function workload(stop: { now: boolean }, round: number): Promise<void> {
    const revenueWorker = async (w: number) => {
      for (let i = 0; !stop.now; i++) {
        const r: Revenue = {
          key: `crash-${round}-${w}-${i}`,
          body: {
            amount: `${1 + Math.floor(rnd() * 500)}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}`,
            currency: 'USD',
            ...PERIOD,
          },
        };
        if ((await sendRevenue(r)) === 'unknown') unknownRevenue.push(r);
      }
    };
    const uploadWorker = async () => {
      while (!stop.now) {
        const c = contributors[Math.floor(rnd() * contributors.length)];
        const seed = ++uploadSeed;
        try {
          const res = await svc.upload(c.key, `crash-${seed}.txt`, `${prose(seed, LICENSES[seed % LICENSES.length])}\n`);
          if (res.status === 202) ackedUploads.set(res.body.datasetId, { contributorKey: c.key });
          else unexpected.push(`upload: ${res.status} ${res.text.slice(0, 300)}`);
        } catch (e) {
          if (!isNetworkError(e)) throw e;
        }
      }
    };
    const withdrawWorker = async () => {
      while (!stop.now) {
        const candidates = [...ackedUploads.keys()].filter((id) => !ackedWithdrawals.has(id));
        if (candidates.length === 0) {
          await sleep(50);
          continue;
        }
        const id = candidates[Math.floor(rnd() * candidates.length)];
        try {
          const res = await svc.request('DELETE', `/v1/datasets/${id}`, { key: ackedUploads.get(id)?.contributorKey });
          if (res.status === 200) ackedWithdrawals.add(id);
          // 409: not accepted (still processing, rejected, or already withdrawn by a request whose answer was lost).
          else if (res.status !== 409) unexpected.push(`withdraw ${id}: ${res.status} ${res.text.slice(0, 300)}`);
          await sleep(100 + rnd() * 200);
        } catch (e) {
          if (!isNetworkError(e)) throw e;
        }
      }
    };
    await Promise.all([revenueWorker(0), revenueWorker(1), revenueWorker(2), uploadWorker(), withdrawWorker()]);
  }

  it('survives every kill: all acknowledged work is in the log exactly once', async () => {
    await svc.start();
    consumerKey = (await svc.request('POST', '/v1/consumers', { key: adminKey, json: { displayName: 'Crash Corp' } })).body.apiKey;
    const consumerId = (await svc.request('GET', '/v1/me', { key: consumerKey })).body.subjectId;
    const agreed = await svc.request('PUT', `/v1/consumers/${consumerId}/agreement`, {
      key: adminKey,
      json: { alpha: '0.3', currency: 'USD', policy: 'snapshot' },
    });
    expect({ status: agreed.status, body: agreed.body }).toMatchObject({ status: 200 });
    for (const name of ['Crash A', 'Crash B', 'Crash C']) {
      const r = await svc.request('POST', '/v1/contributors', { key: adminKey, json: { displayName: name } });
      expect(r.status).toBe(201);
      contributors.push({ id: r.body.contributorId, key: r.body.apiKey });
    }

    for (let round = 0; round < ROUNDS; round++) {
      if (!svc.running) await svc.start();
      // Clients retry what they never got an answer for, with the same Idempotency-Key.
      const retry = unknownRevenue;
      unknownRevenue = [];
      for (const r of retry) if ((await sendRevenue(r)) === 'unknown') unknownRevenue.push(r);
      // Withdraw one dataset an earlier round got accepted (waiting, bounded, for its processing to finish after the restart).
      const pending = [...ackedUploads.keys()].filter((id) => !ackedWithdrawals.has(id));
      for (let i = 0; i < 100 && pending.length > 0; i++) {
        const views = await Promise.all(
          pending.map(async (id) => ({ id, status: (await svc.request('GET', `/v1/datasets/${id}`, { key: adminKey })).body?.status })),
        );
        const accepted = views.find((v) => v.status === 'accepted');
        if (accepted) {
          const res = await svc.request('DELETE', `/v1/datasets/${accepted.id}`, { key: ackedUploads.get(accepted.id)?.contributorKey });
          expect({ id: accepted.id, status: res.status }).toEqual({ id: accepted.id, status: 200 });
          ackedWithdrawals.add(accepted.id);
          break;
        }
        if (views.every((v) => v.status !== 'processing')) break;
        await sleep(200);
      }
      // One upload acknowledged before the storm, so every round has processing work to cut and a dataset to withdraw.
      const c = contributors[round % contributors.length];
      const first = await svc.upload(
        c.key,
        `round-${round}.txt`,
        `${prose(SEED + 7919 * (round + 1), LICENSES[round % LICENSES.length])}\n`,
      );
      expect(first.status).toBe(202);
      ackedUploads.set(first.body.datasetId, { contributorKey: c.key });
      const stop = { now: false };
      const load = workload(stop, round);
      const killAfter = 500 + Math.floor(rnd() * 3500);
      await sleep(killAfter);
      await svc.kill('SIGKILL');
      stop.now = true;
      await load;
      process.stdout.write(
        `round ${round}: killed after ${killAfter} ms; acked so far: ${ackedRevenue.size} reports, ${ackedUploads.size} uploads, ${ackedWithdrawals.size} withdrawals; ${unknownRevenue.length} reports without an answer\n`,
      );
    }

    await svc.start();
    for (const r of unknownRevenue) expect(await sendRevenue(r)).toBe('acked');
    expect(unexpected).toEqual([]);
    expect(ackedRevenue.size).toBeGreaterThan(0);
    expect(ackedUploads.size).toBeGreaterThan(0);
    if (ROUNDS >= 2) expect(ackedWithdrawals.size).toBeGreaterThan(0);

    // Every dataset leaves "processing" (the job runner resumes interrupted work).
    for (const [id] of ackedUploads) {
      let status = 'processing';
      for (let i = 0; i < 1200 && status === 'processing'; i++) {
        const r = await svc.request('GET', `/v1/datasets/${id}`, { key: adminKey });
        expect(r.status).toBe(200);
        status = r.body.status;
        if (status === 'processing') await sleep(100);
      }
      expect({ id, status }).not.toEqual({ id, status: 'processing' });
    }
    // Every acknowledged report gets its run.
    for (const r of ackedRevenue.values()) {
      let status = 0;
      for (let i = 0; i < 600 && status !== 200; i++) {
        status = (await svc.request('GET', `/v1/payout-runs/${r.revenueId}`, { key: adminKey })).status;
        if (status !== 200) await sleep(100);
      }
      expect({ revenueId: r.revenueId, status }).toEqual({ revenueId: r.revenueId, status: 200 });
    }
    expect(graceful(await svc.stop())).toBe(true);

    const store = new SqliteEventStore({ path: path.join(dataDir, 'events.db') });
    try {
      const log: RecordedEvent[] = [];
      for await (const e of store.readAll()) log.push(e);
      const chain = await verifyChain(log);
      expect(chain).toEqual({ ok: true, checked: log.length });
      const positions = log.map((e) => e.position);
      expect(new Set(positions).size).toBe(positions.length);

      const byStream = new Map<string, RecordedEvent[]>();
      for (const e of log) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), e]);
      const count = (stream: string, type: string) => (byStream.get(stream) ?? []).filter((e) => e.type === type).length;

      for (const r of ackedRevenue.values())
        expect({ key: r.key, reports: count(`revenue-${r.revenueId}`, 'RevenueReported') }).toEqual({ key: r.key, reports: 1 });
      const reportedKeys = log
        .filter((e) => e.type === 'RevenueReported')
        .map((e) => (e.data as { idempotencyKey: string }).idempotencyKey);
      expect(reportedKeys.length).toBe(new Set(reportedKeys).size);
      // Every report in the log (acknowledged or not) has exactly one completed run, and no run lacks its report.
      const reportIds = log.filter((e) => e.type === 'RevenueReported').map((e) => e.streamName.slice('revenue-'.length));
      for (const id of reportIds) expect({ id, runs: count(`payout-run-${id}`, 'PayoutRunCompleted') }).toEqual({ id, runs: 1 });
      for (const s of byStream.keys()) if (s.startsWith('payout-run-')) expect(reportIds).toContain(s.slice('payout-run-'.length));

      for (const id of ackedUploads.keys())
        expect({ id, uploaded: count(`dataset-${id}`, 'DatasetUploaded') }).toEqual({ id, uploaded: 1 });
      for (const id of ackedWithdrawals)
        expect({ id, withdrawn: count(`dataset-${id}`, 'DatasetWithdrawn') }).toEqual({ id, withdrawn: 1 });
      for (const [s, events] of byStream) {
        if (!s.startsWith('dataset-')) continue;
        const types = events.map((e) => e.type);
        for (const t of new Set(types)) expect({ s, t, n: types.filter((x) => x === t).length }).toEqual({ s, t, n: 1 });
      }
    } finally {
      await store.close();
    }
  }, 240_000);

  it('read models rebuilt from position 0 answer exactly what the live ones answered', async () => {
    await svc.start();
    const store = new SqliteEventStore({ path: path.join(dataDir, 'events.db') });
    const head = await store.headPosition();
    await store.close();
    const queries = [
      `/v1/pool?atPosition=${head}&limit=1000`,
      ...contributors.flatMap((c) => [
        `/v1/contributors/${c.id}/metrics?atPosition=${head}`,
        `/v1/contributors/${c.id}/datasets?atPosition=${head}&limit=1000`,
        `/v1/contributors/${c.id}/payouts?atPosition=${head}&limit=1000`,
      ]),
      ...[...ackedRevenue.values()]
        .slice(0, 40)
        .flatMap((r) => [`/v1/revenue/${r.revenueId}?atPosition=${head}`, `/v1/payout-runs/${r.revenueId}?atPosition=${head}&limit=1000`]),
      ...[...ackedUploads.keys()].map((id) => `/v1/datasets/${id}?atPosition=${head}`),
    ];
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const q of queries) {
        let r = await svc.request('GET', q, { key: adminKey });
        // The read side answers at min(requested, its checkpoint): wait until it has caught up to the head.
        for (let i = 0; i < 600 && r.status === 200 && typeof r.body?.position === 'number' && r.body.position < head; i++) {
          await sleep(100);
          r = await svc.request('GET', q, { key: adminKey });
        }
        out[q] = { status: r.status, body: r.body };
      }
      return out;
    };
    const live = await snapshot();
    expect(graceful(await svc.stop())).toBe(true);
    for (const f of fs.readdirSync(dataDir)) if (f.startsWith('read-models.db')) fs.rmSync(path.join(dataDir, f));
    await svc.start();
    const rebuilt = await snapshot();
    expect(rebuilt).toEqual(live);
    expect(Object.values(live).every((v) => (v as { status: number }).status === 200)).toBe(true);
    expect(graceful(await svc.stop())).toBe(true);
  }, 180_000);
});
