import { allocationRootHash, GENESIS_HASH, recomputeEventHash } from '@1tt/audit';
import type { RecordedEvent } from '@1tt/event-store';

export interface Spec {
  stream: string;
  type: string;
  data: unknown;
}

const T0 = Date.UTC(2025, 0, 1);

/** Chains specs into recorded events (positions 1…n, one minute apart), as the store would. */
export function record(specs: Spec[]): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return specs.map((s, i) => {
    const head = heads.get(s.stream);
    const e: RecordedEvent = {
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      streamName: s.stream,
      type: s.type,
      data: s.data,
      metadata: { correlationId: 'c', causationId: 'c', actor: 'system:test', schemaVersion: 1, recordedAt: new Date(T0 + (i + 1) * 60_000).toISOString() },
      revision: head ? head.revision + 1 : 0,
      position: i + 1,
      prevHash: head ? head.hash : GENESIS_HASH,
      hash: '',
    };
    e.hash = recomputeEventHash(e);
    heads.set(s.stream, { revision: e.revision, hash: e.hash });
    return e;
  });
}

/** Re-records edited events with fresh positions and chains: what an attacker without the signing key can do. */
export function rerecord(events: RecordedEvent[]): RecordedEvent[] {
  return record(events.map((e) => ({ stream: e.streamName, type: e.type, data: structuredClone(e.data) })));
}

function run(revenueId: string, poolPosition: number, totalTokens: number, amount: number, poolAmount: number, allocations: Array<[string, number, number]>): Spec {
  const list = allocations.map(([contributorId, tokens, amt]) => ({ contributorId, tokens: BigInt(tokens), amount: BigInt(amt) }));
  return {
    stream: `payout-run-${revenueId}`,
    type: 'PayoutRunCompleted',
    data: {
      revenueId,
      consumerId: 'acme',
      poolPosition,
      totalTokens: String(totalTokens),
      currency: 'USD',
      poolAmount: String(poolAmount),
      remainder: String(amount - poolAmount),
      rootHash: allocationRootHash(revenueId, list),
      roundingRule: 'largest-remainder/v1',
      allocations: list.map((a) => ({ contributorId: a.contributorId, tokens: a.tokens.toString(), amount: a.amount.toString() })),
    },
  };
}

const dataset = (id: string, contributorId: string, tokens: number): Spec[] => [
  { stream: `dataset-${id}`, type: 'DatasetUploaded', data: { datasetId: id, contributorId, fileName: `${id}.txt`, format: 'txt', bytes: 1000, sha256: 'ab'.repeat(32) } },
  { stream: `dataset-${id}`, type: 'DatasetTokensCounted', data: { datasetId: id, tokenizer: 'o200k_base', tokens } },
  { stream: `dataset-${id}`, type: 'DatasetAccepted', data: { datasetId: id } },
];

const revenue = (revenueId: string, amount: string): Spec => ({
  stream: `revenue-${revenueId}`,
  type: 'RevenueReported',
  data: { revenueId, consumerId: 'acme', amount, currency: 'USD', alpha: '0.3', periodStart: '2025-01-01T00:00:00.000Z', periodEnd: '2025-02-01T00:00:00.000Z', idempotencyKey: revenueId },
});

/**
 * A small ledger whose figures are worked out by hand (α = 0.3, USD):
 *  r1 100.00 over c1 100, c2 200, c3 300 tokens: pool 30.00 → 5.00 / 10.00 / 15.00;
 *  then d2 (c2) is withdrawn and c1 adds 50 tokens: c1 150, c3 300;
 *  r2 10.01: pool floor(300.3) = 3.00 → 1.00 / 2.00, remainder 7.01;
 *  r3 0.07: pool floor(2.1) = 0.02 → exact shares 0.67 / 1.33 cents: floors 0 / 1,
 *     the leftover cent to the largest remainder (c1) → 0.01 / 0.01;
 *  c3 is paid 15.00.
 * Positions are listed in the comments: tests rely on them.
 */
export function ledgerSpecs(): Spec[] {
  return [
    { stream: 'consumer-acme', type: 'ConsumerRegistered', data: { consumerId: 'acme', displayName: 'Acme' } }, // 1
    { stream: 'consumer-acme', type: 'RevenueShareAgreed', data: { consumerId: 'acme', alpha: '0.3', currency: 'USD', policy: 'snapshot', effectiveFrom: '2025-01-01T00:00:00.000Z' } }, // 2
    { stream: 'contributor-c1', type: 'ContributorRegistered', data: { contributorId: 'c1', displayName: 'One' } }, // 3
    { stream: 'contributor-c2', type: 'ContributorRegistered', data: { contributorId: 'c2', displayName: 'Two' } }, // 4
    { stream: 'contributor-c3', type: 'ContributorRegistered', data: { contributorId: 'c3', displayName: 'Three' } }, // 5
    ...dataset('d1', 'c1', 100), // 6-8
    ...dataset('d2', 'c2', 200), // 9-11
    ...dataset('d3', 'c3', 300), // 12-14
    revenue('r1', '100.00'), // 15
    run('r1', 15, 600, 10000, 3000, [['c1', 100, 500], ['c2', 200, 1000], ['c3', 300, 1500]]), // 16
    { stream: 'dataset-d2', type: 'DatasetWithdrawn', data: { datasetId: 'd2' } }, // 17
    ...dataset('d4', 'c1', 50), // 18-20
    revenue('r2', '10.01'), // 21
    run('r2', 21, 450, 1001, 300, [['c1', 150, 100], ['c3', 300, 200]]), // 22
    revenue('r3', '0.07'), // 23
    run('r3', 23, 450, 7, 2, [['c1', 150, 1], ['c3', 300, 1]]), // 24
    { stream: 'contributor-c3', type: 'PayoutSettled', data: { contributorId: 'c3', amount: '1500', currency: 'USD', reference: 'wire-1' } }, // 25
  ];
}
