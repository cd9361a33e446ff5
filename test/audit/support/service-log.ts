/**
 * The audit suites that check a log written by the real service: a small
 * ledger set up through the public routes, the log exported with
 * `1tt audit export`, and edited copies checked with `1tt audit verify`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEventLine } from '@1tt/audit';
import { EventStore, type RecordedEvent } from '@1tt/event-store';
import { acceptDataset } from '../../ledger/ledger-log.fixture';
import type { TestApp } from '../../e2e/support/test-app';
import { cli } from '../../support/cli';

export interface ServiceLedger {
  /** Ann, Ben and Cy, with accepted datasets of the given tokens. */
  contributors: string[];
  consumer: { consumerId: string; apiKey: string };
  /** Reports revenue for January 2025 in USD as the consumer; answers the revenueId. */
  report(idempotencyKey: string, amount: string): Promise<string>;
}

/**
 * Registers three contributors and a consumer (α 0.3, USD, snapshot) through
 * the routes, and accepts a dataset for each contributor with tokens[i]
 * (no dataset where tokens[i] is undefined).
 */
export async function serviceLedger(t: TestApp, tokens: Array<number | undefined>): Promise<ServiceLedger> {
  const contributors: string[] = [];
  for (const name of ['Ann', 'Ben', 'Cy'])
    contributors.push((await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: name }).expect(201)).body.contributorId);
  const consumer = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'LLM Corp' }).expect(201)).body;
  await t.http
    .put(`/v1/consumers/${consumer.consumerId}/agreement`)
    .set(t.auth())
    .send({ alpha: '0.3', currency: 'USD', policy: 'snapshot' })
    .expect(200);
  const events = t.get(EventStore);
  for (const [i, n] of tokens.entries()) if (n !== undefined) await acceptDataset(events, `ds-${i + 1}`, contributors[i], n);
  return {
    contributors,
    consumer,
    report: async (idempotencyKey, amount) =>
      (
        await t.http
          .post('/v1/revenue')
          .set(t.auth(consumer.apiKey))
          .set('Idempotency-Key', idempotencyKey)
          .send({ amount, currency: 'USD', periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' })
          .expect(201)
      ).body.revenueId,
  };
}

export interface ExportedLog {
  /** The export's header line, as written. */
  header: string;
  log: RecordedEvent[];
}

/** `1tt audit export` of the app's data dir into dir/export.ndjson, read back. */
export async function exportServiceLog(t: TestApp, dir: string): Promise<ExportedLog> {
  const file = join(dir, 'export.ndjson');
  const exported = await cli({ DATA_DIR: t.dataDir }, 'audit', 'export', '--out', file);
  if (exported.code !== 0) throw new Error(`1tt audit export exited ${exported.code}: ${exported.stderr}`);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { header: lines[0], log: lines.slice(1).map((l) => JSON.parse(l) as RecordedEvent) };
}

export interface VerifyReport {
  ok: boolean;
  problems: Array<{ code: string; position: number; streamName?: string; message: string }>;
  summary?: Record<string, number>;
}

/**
 * Writes the events under the export's header into a new file in dir and runs
 * `1tt audit verify --json` on it. toPosition: 'last' (default) sets the
 * header's toPosition to the last event's; 'header' keeps it as exported.
 */
export async function verifyEvents(
  dir: string,
  exported: Pick<ExportedLog, 'header'>,
  events: RecordedEvent[],
  options: { flags?: string[]; toPosition?: 'last' | 'header' } = {},
): Promise<{ code: number; report: VerifyReport }> {
  const file = join(dir, `v-${Math.random().toString(36).slice(2)}.ndjson`);
  const header =
    options.toPosition === 'header'
      ? exported.header
      : JSON.stringify({ ...JSON.parse(exported.header), toPosition: events[events.length - 1].position });
  writeFileSync(file, [header, ...events.map(encodeEventLine)].join('\n') + '\n');
  const r = await cli({}, 'audit', 'verify', file, '--json', ...(options.flags ?? []));
  return { code: r.code, report: JSON.parse(r.stdout) as VerifyReport };
}
