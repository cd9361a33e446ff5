import { dataset, record, rerecord, revenue, verify, type RunSpec, type Spec } from './support/ledger-log';

/** Issue #14: `1tt audit verify` recomputes every run under the scope and consent in force at its position. */

const SCOPE = { uses: ['training'], languages: null, contentClasses: null, licences: null };
const scoped = (id: string, amount: string, i: number): Spec => {
  const s = revenue(id, amount, i);
  return { ...s, data: { ...(s.data as object), scope: SCOPE } };
};
type Chunk = { allocations: Array<{ contributorId: string; tokens: string; amount: string }> };

/**
 * acme pays for training only (α 0.3). r1 100.00 over c1 100 and c2 300 tokens → 7.50 / 22.50;
 * then c2 consents to retrieval only: r2 100.00 → c1 30.00; then c1 excludes 40 of its tokens
 * and c2 consents to training again: r3 100.00 over c1 60, c2 300 → 5.00 / 25.00.
 */
function specs(): Array<Spec | RunSpec> {
  return [
    {
      stream: 'consumer-acme',
      type: 'ConsumerRegistered',
      data: { consumerId: 'acme', displayName: 'Acme', registeredAt: '2025-01-01T00:00:00.000Z' },
    }, // 1
    {
      stream: 'consumer-acme',
      type: 'RevenueShareAgreed',
      data: {
        consumerId: 'acme',
        alpha: '0.3',
        currency: 'USD',
        policy: 'snapshot',
        effectiveFrom: '2025-01-01T00:00:00.000Z',
        agreedAt: '2025-01-01T00:00:00.000Z',
        scope: SCOPE,
      },
    }, // 2
    ...dataset('d1', 'c1', 100, 3), // 3-5
    ...dataset('d2', 'c2', 300, 6), // 6-8
    scoped('r1', '100.00', 9), // 9
    { run: 'r1' }, // 10-12
    {
      stream: 'dataset-d2',
      type: 'DatasetConsentChanged',
      data: {
        datasetId: 'd2',
        contributorId: 'c2',
        uses: ['retrieval'],
        previousUses: ['training'],
        changedAt: '2025-01-01T00:13:00.000Z',
      },
      actor: 'contributor:c2',
    }, // 13
    scoped('r2', '100.00', 14), // 14
    { run: 'r2' }, // 15-17
    {
      stream: 'dataset-d1',
      type: 'DatasetDocumentsExcluded',
      data: {
        datasetId: 'd1',
        contributorId: 'c1',
        documents: [{ index: 2, tokens: 40 }],
        tokens: '40',
        excludedAt: '2025-01-01T00:18:00.000Z',
      },
      actor: 'contributor:c1',
    }, // 18
    {
      stream: 'dataset-d2',
      type: 'DatasetConsentChanged',
      data: {
        datasetId: 'd2',
        contributorId: 'c2',
        uses: ['training'],
        previousUses: ['retrieval'],
        changedAt: '2025-01-01T00:19:00.000Z',
      },
      actor: 'contributor:c2',
    }, // 19
    scoped('r3', '100.00', 20), // 20
    { run: 'r3' }, // 21-23
  ];
}

describe('audit of consent, exclusions and scopes (issue #14)', () => {
  it('passes the hand-computed log: each run under the consent and exclusions in force at its report', async () => {
    const log = record(specs());
    const r = await verify(log);
    expect(r.problems).toEqual([]);
    expect(r.domain).toMatchObject({ payoutRunsRecomputed: 3, consentChangesAndExclusions: 3 });
    const amounts = (i: number) => (log[i].data as Chunk).allocations.map((a) => `${a.contributorId}:${a.amount}`);
    expect(amounts(10)).toEqual(['c1:7.50', 'c2:22.50']);
    expect(amounts(15)).toEqual(['c1:30.00']);
    expect(amounts(21)).toEqual(['c1:5.00', 'c2:25.00']);
    expect(log[16].data).toMatchObject({ eligibleTokens: '100', totalTokens: '400', scope: SCOPE });
  });

  it('names a forged consent change (uses rewritten, re-hashed) at the first run it moves money in', async () => {
    const log = record(specs());
    (log[12].data as { uses: string[] }).uses = ['training', 'retrieval'];
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({
      code: 'payout-allocation-amount-differs',
      streamName: 'payout-run-r2',
      expected: '7.50 USD',
      actual: '30.00 USD',
    });
  });

  it('names a consent change not made by the dataset’s owner', async () => {
    const log = record(specs());
    log[12].metadata.actor = 'admin:root';
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({ code: 'owner-change-not-by-owner', position: 13, streamName: 'dataset-d2' });
  });

  it('names a forged scope on a report, and a forged scope or ΣT_c on a run', async () => {
    const noScope = record(specs());
    delete (noScope[13].data as { scope?: unknown }).scope;
    expect((await verify(rerecord(noScope))).problems[0]).toMatchObject({
      code: 'revenue-scope-mismatch',
      position: 14,
      expected: SCOPE,
      actual: null,
    });

    const eligible = record(specs());
    (eligible[16].data as { eligibleTokens: string }).eligibleTokens = '400';
    expect((await verify(rerecord(eligible))).problems[0]).toMatchObject({
      code: 'payout-eligible-tokens-differs',
      position: 17,
      expected: '100',
      actual: '400',
    });

    const runScope = record(specs());
    (runScope[14].data as { scope: unknown }).scope = { ...SCOPE, uses: ['retrieval'] };
    expect((await verify(rerecord(runScope))).problems[0]).toMatchObject({ code: 'payout-scope-differs', position: 15 });
  });

  it('names a forged exclusion: tokens not the sum of its documents, and the run it changes', async () => {
    const log = record(specs());
    (log[17].data as { tokens: string }).tokens = '90';
    const r = await verify(rerecord(log));
    expect(r.problems[0]).toMatchObject({ code: 'exclusion-tokens-differ', position: 18, expected: '40', actual: '90' });

    const moved = record(specs());
    (moved[17].data as { documents: Array<{ tokens: number }>; tokens: string }).documents[0].tokens = 90;
    (moved[17].data as { tokens: string }).tokens = '90';
    const r2 = await verify(rerecord(moved));
    expect(r2.problems[0]).toMatchObject({
      code: 'payout-allocation-tokens-differs',
      streamName: 'payout-run-r3',
      expected: '10',
      actual: '60',
    });
  });
});
