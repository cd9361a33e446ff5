import { createLedgerAudit, GENESIS_HASH, recomputeEventHash, verifyLog, type LogHeader, type LogLine } from '@1tt/audit';
import type { RecordedEvent } from '@1tt/event-store';
import { computePayoutRun, PoolState, type RevenueReported } from '@1tt/ledger';

export interface Spec {
  stream: string;
  type: string;
  data: unknown;
  /** metadata.actor; default system:test. */
  actor?: string;
}

/** Placeholder for "the payout run of this report, as the service's processor computes it" (computePayoutRun). */
export interface RunSpec {
  run: string;
}

const T0 = Date.UTC(2025, 0, 1);
const at = (i: number): string => new Date(T0 + i * 60_000).toISOString();

/** Chains specs into recorded events (positions 1…n, one minute apart), as the store would; runs expand to Started + chunks + Completed. */
export function record(specs: Array<Spec | RunSpec>): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  const out: RecordedEvent[] = [];
  const push = (s: Spec): void => {
    const i = out.length + 1;
    const head = heads.get(s.stream);
    const e: RecordedEvent = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      streamName: s.stream,
      type: s.type,
      data: s.data,
      metadata: { correlationId: 'c', causationId: 'c', actor: s.actor ?? 'system:test', schemaVersion: 1, recordedAt: at(i) },
      revision: head ? head.revision + 1 : 0,
      position: i,
      prevHash: head ? head.hash : GENESIS_HASH,
      hash: '',
    };
    e.hash = recomputeEventHash(e);
    heads.set(s.stream, { revision: e.revision, hash: e.hash });
    out.push(e);
  };
  for (const s of specs) {
    if ('run' in s) {
      const report = out.find((e) => e.type === 'RevenueReported' && (e.data as RevenueReported['data']).revenueId === s.run)!;
      const { events } = computePayoutRun({
        report: report.data as RevenueReported['data'],
        reportPosition: report.position,
        pool: PoolState.fromEvents(out),
      });
      for (const ev of events) push({ stream: `payout-run-${s.run}`, type: ev.type, data: structuredClone(ev.data) });
    } else push(s);
  }
  return out;
}

/**
 * Renumbers positions 1…n in the given order and re-chains every stream
 * (revisions, prevHash, hash), keeping each event's id and metadata: what
 * someone who can rewrite an exported file, but holds no signing key, can do.
 */
export function rechain(events: RecordedEvent[]): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return events.map((original, i) => {
    const head = heads.get(original.streamName);
    const e: RecordedEvent = {
      ...structuredClone(original),
      position: i + 1,
      revision: head ? head.revision + 1 : 0,
      prevHash: head ? head.hash : GENESIS_HASH,
      hash: '',
    };
    e.hash = recomputeEventHash(e);
    heads.set(e.streamName, { revision: e.revision, hash: e.hash });
    return e;
  });
}

/** Re-records edited events with fresh positions and chains: what an attacker without the signing key can do. */
export function rerecord(events: RecordedEvent[]): RecordedEvent[] {
  return record(
    events.map((e) => ({ stream: e.streamName, type: e.type, data: structuredClone(e.data), actor: String(e.metadata.actor) })),
  );
}

export const dataset = (id: string, contributorId: string, tokens: number, i: number): Spec[] => [
  {
    stream: `dataset-${id}`,
    type: 'DatasetUploaded',
    data: {
      kind: 'contribution',
      contributorId,
      datasetId: id,
      fileName: `${id}.txt`,
      format: 'txt',
      compression: 'none',
      sizeBytes: 1000,
      sha256: 'ab'.repeat(32),
      blobRef: `blob-${id}`,
      textField: null,
      uploadedAt: at(i),
    },
  },
  {
    stream: `dataset-${id}`,
    type: 'DatasetTokensCounted',
    data: { datasetId: id, tokenizer: 'o200k_base', tokens: String(tokens), countedAt: at(i + 1) },
  },
  {
    stream: `dataset-${id}`,
    type: 'DatasetAccepted',
    data: { kind: 'contribution', contributorId, datasetId: id, tokens: String(tokens), acceptedAt: at(i + 2) },
  },
];

export const revenue = (
  revenueId: string,
  amount: string,
  i: number,
  policy: 'snapshot' | 'time-weighted' = 'snapshot',
  alpha = '0.3',
): Spec => ({
  stream: `revenue-${revenueId}`,
  type: 'RevenueReported',
  data: {
    revenueId,
    consumerId: 'acme',
    amount,
    currency: 'USD',
    periodStart: '2025-01-01T00:00:00.000Z',
    periodEnd: '2025-01-01T01:00:00.000Z',
    alpha,
    policy,
    agreementEffectiveFrom: '2025-01-01T00:00:00.000Z',
    idempotencyKey: revenueId,
    inputHash: 'cd'.repeat(32),
    reportedAt: at(i),
  },
});

/**
 * A small ledger whose figures are worked out by hand (α = 0.3, USD, snapshot):
 *  r1 100.00 over c1 100, c2 200, c3 300 tokens: pool 30.00 → 5.00 / 10.00 / 15.00;
 *  then d2 (c2) is withdrawn and c1 adds 50 tokens: c1 150, c3 300;
 *  r2 10.01: pool floor(300.3) = 3.00 → 1.00 / 2.00, remainder 7.01;
 *  r3 0.07: pool floor(2.1) = 0.02 → exact shares 0.67 / 1.33 cents: floors 0 / 1,
 *     the leftover cent to the largest remainder (c1) → 0.01 / 0.01;
 *  c3 is paid 15.00.
 * Each run is Started + 1 chunk + Completed. Positions are in the comments: tests rely on them.
 */
export function ledgerSpecs(): Array<Spec | RunSpec> {
  return [
    { stream: 'consumer-acme', type: 'ConsumerRegistered', data: { consumerId: 'acme', displayName: 'Acme', registeredAt: at(1) } }, // 1
    {
      stream: 'consumer-acme',
      type: 'RevenueShareAgreed',
      data: {
        consumerId: 'acme',
        alpha: '0.3',
        currency: 'USD',
        policy: 'snapshot',
        effectiveFrom: '2025-01-01T00:00:00.000Z',
        agreedAt: at(2),
      },
    }, // 2
    { stream: 'contributor-c1', type: 'ContributorRegistered', data: { contributorId: 'c1', displayName: 'One', registeredAt: at(3) } }, // 3
    { stream: 'contributor-c2', type: 'ContributorRegistered', data: { contributorId: 'c2', displayName: 'Two', registeredAt: at(4) } }, // 4
    { stream: 'contributor-c3', type: 'ContributorRegistered', data: { contributorId: 'c3', displayName: 'Three', registeredAt: at(5) } }, // 5
    ...dataset('d1', 'c1', 100, 6), // 6-8
    ...dataset('d2', 'c2', 200, 9), // 9-11
    ...dataset('d3', 'c3', 300, 12), // 12-14
    revenue('r1', '100.00', 15), // 15
    { run: 'r1' }, // 16 started, 17 chunk, 18 completed
    {
      stream: 'dataset-d2',
      type: 'DatasetWithdrawn',
      data: { kind: 'contribution', contributorId: 'c2', datasetId: 'd2', tokens: '200', withdrawnAt: at(19) },
    }, // 19
    ...dataset('d4', 'c1', 50, 20), // 20-22
    revenue('r2', '10.01', 23), // 23
    { run: 'r2' }, // 24-26
    revenue('r3', '0.07', 27), // 27
    { run: 'r3' }, // 28-30
    {
      stream: 'contributor-c3',
      type: 'PayoutSettled',
      data: { contributorId: 'c3', amount: '15.00', currency: 'USD', reference: 'wire-1', settledAt: at(31) },
    }, // 31
  ];
}

const header = (toPosition: number): LogHeader => ({
  format: '1tt-log',
  version: 1,
  exportedAt: '2025-03-01T00:00:00.000Z',
  fromPosition: 1,
  toPosition,
  contiguousPositions: true,
});

async function* lines(events: RecordedEvent[]): AsyncGenerator<LogLine> {
  let line = 1;
  for (const event of events) yield { line: ++line, event };
}

/** `1tt audit verify` with the ledger's recomputation (no signing key) on these events, as if read from an export. */
export const verify = (events: RecordedEvent[]) => verifyLog(header(events.length), lines(events), { audits: [createLedgerAudit()] });
