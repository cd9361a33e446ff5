import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayLog } from '@1tt/audit';
import { EventStore, type RecordedEvent } from '@1tt/event-store';
import { PayoutProcessor } from '../../src/ledger/payout/payout-processor';
import { acceptDataset } from '../ledger/ledger-log.fixture';
import { startTestApp, type TestApp } from '../e2e/support/test-app';
import { rechain } from './support/ledger-log';
import { exportServiceLog, serviceLedger, verifyEvents } from './support/service-log';

describe('audit of a log written by the real service', () => {
  let t: TestApp;
  let dir: string;
  let header: string;
  let log: RecordedEvent[];
  const marks: number[] = [];
  const contributors: string[] = [];

  const verify = (events: RecordedEvent[]) => verifyEvents(dir, { header }, events);
  const first = (events: RecordedEvent[], type: string) => events.find((e) => e.type === type)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), '1tt-audit-e2e-'));
    t = await startTestApp();
    const events = t.get(EventStore);
    const processor = t.get(PayoutProcessor);
    const { contributors: registered, report } = await serviceLedger(t, [100, 200]);
    contributors.push(...registered);
    await report('k1', '100.00');
    await processor.catchUp();
    marks.push(await events.headPosition());
    await acceptDataset(events, 'ds-3', contributors[2], 300);
    await report('k2', '10.01');
    await processor.catchUp();
    marks.push(await events.headPosition());
    await t.http
      .post(`/v1/contributors/${contributors[1]}/settlements`)
      .set(t.auth())
      .send({ amount: '5.00', currency: 'USD', reference: 'wire-1' });
    await report('k3', '0.07');
    await processor.catchUp();
    marks.push(await events.headPosition());

    ({ header, log } = await exportServiceLog(t, dir));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export → verify passes and recomputes every run the processor wrote', async () => {
    expect(log.filter((e) => e.type === 'PayoutRunCompleted')).toHaveLength(3);
    const { code, report } = await verify(log);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
  });

  it('an edited amount is named at its event', async () => {
    const edited = structuredClone(log);
    const chunk = first(edited, 'PayoutRunAllocationsRecorded');
    (chunk.data as { allocations: Array<{ amount: string }> }).allocations[0].amount = '99.00';
    const { code, report } = await verify(edited);
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: chunk.position, streamName: chunk.streamName });
  });

  it('an edited token count is named at its event', async () => {
    const edited = structuredClone(log);
    const counted = first(edited, 'DatasetTokensCounted');
    (counted.data as { tokens: string }).tokens = '101';
    const { code, report } = await verify(edited);
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: counted.position, streamName: counted.streamName });
  });

  it('a dropped event is named at its position', async () => {
    const i = log.indexOf(first(log, 'RevenueReported'));
    const { code, report } = await verify([...log.slice(0, i), ...log.slice(i + 1)]);
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'position-missing', position: log[i].position });
  });

  it('two swapped events are named', async () => {
    const i = log.indexOf(first(log, 'PayoutRunStarted'));
    const swapped = [...log];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
    const { code, report } = await verify(swapped);
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ position: log[i].position });
    expect(report.problems.some((p) => p.streamName === log[i].streamName || p.streamName === log[i + 1].streamName)).toBe(true);
  });

  it('a forged revenue report inserted (everything re-numbered and re-hashed) is named', async () => {
    const r = first(log, 'RevenueReported');
    const i = log.indexOf(first(log, 'PayoutRunCompleted')) + 1;
    const forged = {
      ...structuredClone(r),
      metadata: { ...log[i - 1].metadata },
      streamName: 'revenue-forged',
      data: { ...(r.data as object), revenueId: 'forged', amount: '5000.00' },
    };
    const { code, report } = await verify(rechain([...log.slice(0, i), forged, ...log.slice(i)]));
    expect(code).not.toBe(0);
    expect(report.problems[0]).toMatchObject({ code: 'revenue-never-paid', position: i + 1, streamName: 'revenue-forged' });
  });

  it('replay at three points equals the API for those points', async () => {
    for (const p of marks) {
      const snap = await replayLog(log, { atPosition: p });
      const pool = (await t.http.get(`/v1/pool?atPosition=${p}`).set(t.auth()).expect(200)).body;
      expect(pool.totalTokens).toBe(snap.pool.totalTokens);
      expect(
        pool.contributors.map((c: { contributorId: string; tokens: string; ratio: string }) => ({
          contributorId: c.contributorId,
          tokens: c.tokens,
          ratio: c.ratio,
        })),
      ).toEqual(snap.pool.contributors);
      for (const id of contributors) {
        const m = (await t.http.get(`/v1/contributors/${id}/metrics?atPosition=${p}`).set(t.auth()).expect(200)).body;
        const mine = snap.contributors.find((c) => c.contributorId === id)!;
        expect({
          ratio: m.contributionRatio,
          tokens: m.tokens,
          currentRevenue: m.currentRevenue,
          paidOut: m.paidOut,
          balance: m.balance,
          expectedPayout: m.expectedPayout,
        }).toEqual({
          ratio: mine.contributionRatio,
          tokens: mine.tokens,
          currentRevenue: mine.currentRevenue,
          paidOut: mine.paidOut,
          balance: mine.balance,
          expectedPayout: mine.expectedPayout,
        });
      }
    }
  });
});

/** rerecord, but with the service's own recordedAt times kept (the fixture's re-record uses synthetic ones). */
