import fc from 'fast-check';
import { ValidationError } from '@1tt/domain-errors';
import { allocate, Share } from './largest-remainder';

const sharesArb = fc
  .uniqueArray(fc.record({ contributorId: fc.string({ minLength: 1, maxLength: 6 }), weight: fc.bigInt({ min: 0n, max: 10n ** 15n }) }), {
    selector: (s) => s.contributorId,
    minLength: 1,
    maxLength: 60,
  })
  .filter((shares) => shares.some((s) => s.weight > 0n));
const poolArb = fc.bigInt({ min: 0n, max: 10n ** 20n });

function byId(result: ReturnType<typeof allocate>): Map<string, bigint> {
  return new Map(result.allocations.map((a) => [a.contributorId, a.amount]));
}

describe('allocate (largest remainder)', () => {
  it('splits 100 over three equal weights as 34/33/33, the extra unit to the smallest id', () => {
    const r = allocate(100n, [
      { contributorId: 'b', weight: 1n },
      { contributorId: 'c', weight: 1n },
      { contributorId: 'a', weight: 1n },
    ]);
    expect(r.allocations.map((a) => [a.contributorId, a.amount])).toEqual([
      ['b', 33n],
      ['c', 33n],
      ['a', 34n],
    ]);
    expect(r.allocated).toBe(100n);
    expect(r.unallocated).toBe(0n);
  });

  it('gives leftover units to the largest remainders first', () => {
    // exact shares: 10 × 1/6 = 1.67, 10 × 2/6 = 3.33, 10 × 3/6 = 5 → 2, 3, 5
    const r = allocate(10n, [
      { contributorId: 'x', weight: 1n },
      { contributorId: 'y', weight: 2n },
      { contributorId: 'z', weight: 3n },
    ]);
    expect(r.allocations.map((a) => a.amount)).toEqual([2n, 3n, 5n]);
  });

  it('breaks ties by plain code-unit order, not locale order', () => {
    const r = allocate(1n, [
      { contributorId: 'a', weight: 1n },
      { contributorId: 'B', weight: 1n },
    ]);
    expect(byId(r).get('B')).toBe(1n);
  });

  it('leaves the whole pool unallocated when every weight is zero', () => {
    const r = allocate(500n, [{ contributorId: 'a', weight: 0n }]);
    expect(r.allocations[0].amount).toBe(0n);
    expect(r.unallocated).toBe(500n);
    expect(allocate(500n, []).unallocated).toBe(500n);
  });

  it('refuses negative weights, negative pools and duplicate contributors', () => {
    expect(() => allocate(1n, [{ contributorId: 'a', weight: -1n }])).toThrow(ValidationError);
    expect(() => allocate(-1n, [{ contributorId: 'a', weight: 1n }])).toThrow(ValidationError);
    expect(() =>
      allocate(1n, [
        { contributorId: 'a', weight: 1n },
        { contributorId: 'a', weight: 2n },
      ]),
    ).toThrow(/appears twice/);
  });

  it('property: parts sum exactly to the pool', () => {
    fc.assert(
      fc.property(poolArb, sharesArb, (pool, shares) => {
        const r = allocate(pool, shares);
        expect(r.allocations.reduce((s, a) => s + a.amount, 0n)).toBe(pool);
        expect(r.allocated).toBe(pool);
      }),
    );
  });

  it('property: each part is within one minor unit of its exact share (floor ≤ amount ≤ floor + 1)', () => {
    fc.assert(
      fc.property(poolArb, sharesArb, (pool, shares) => {
        const total = shares.reduce((s, x) => s + x.weight, 0n);
        for (const a of allocate(pool, shares).allocations) {
          const exact = pool * a.weight; // the exact share is exact / total
          const diff = a.amount * total - exact;
          expect(diff < total && diff > -total).toBe(true);
          const floor = exact / total;
          expect(a.amount === floor || a.amount === floor + 1n).toBe(true);
        }
      }),
    );
  });

  it('property: the result does not depend on the order of the shares', () => {
    fc.assert(
      fc.property(
        poolArb,
        sharesArb.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }))),
        (pool, [shares, shuffled]) => {
          expect(byId(allocate(pool, shuffled))).toEqual(byId(allocate(pool, shares)));
        },
      ),
    );
  });

  it('property: zero weight gets zero', () => {
    fc.assert(
      fc.property(poolArb, sharesArb, (pool, shares) => {
        for (const a of allocate(pool, shares).allocations) if (a.weight === 0n) expect(a.amount).toBe(0n);
      }),
    );
  });

  it('property: a larger remainder never gets less than a smaller one (Hamilton rule)', () => {
    fc.assert(
      fc.property(poolArb, sharesArb, (pool, shares: Share[]) => {
        const total = shares.reduce((s, x) => s + x.weight, 0n);
        const got = allocate(pool, shares).allocations.map((a, i) => ({
          id: a.contributorId,
          rem: (pool * shares[i].weight) % total,
          extra: a.amount - (pool * shares[i].weight) / total,
        }));
        for (const x of got)
          for (const y of got) {
            const xFirst = x.rem > y.rem || (x.rem === y.rem && x.id < y.id);
            if (xFirst && y.extra === 1n) expect(x.extra).toBe(1n);
          }
      }),
    );
  });

  it('property: recomputation is identical', () => {
    fc.assert(
      fc.property(poolArb, sharesArb, (pool, shares) => {
        expect(allocate(pool, shares)).toEqual(
          allocate(
            pool,
            shares.map((s) => ({ ...s })),
          ),
        );
      }),
    );
  });
});
