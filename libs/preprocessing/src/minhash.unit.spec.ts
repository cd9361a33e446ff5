import fc from 'fast-check';
import { DEFAULT_NEAR_DEDUP } from './pipeline-config';
import { type MinHashOptions, minhashSignature, shingleHashes } from './minhash';

/*
 * The signature as first specified (minhash.ts header), written the slow,
 * obvious way: word strings by the Unicode regex, a Set of shingle hashes,
 * one permutation at a time on unsigned values. Signatures are stored in
 * reports and re-verified, so the fast path must give the same bits.
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
function referenceSignature(text: string, o: MinHashOptions): number[] | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  if (words.length === 0) return null;
  const n = Math.min(o.shingle, words.length);
  const shingles = new Set<number>();
  for (let i = 0; i + n <= words.length; i++) {
    let h = o.seed >>> 0;
    for (let k = 0; k < n; k++) {
      h = Math.imul(h ^ fnv1a(words[i + k]), 0x5bd1e995);
      h ^= h >>> 15;
    }
    shingles.add(fmix32(h ^ n));
  }
  const sig: number[] = [];
  for (let p = 0; p < o.numPerm; p++) {
    const a = (splitmix32(o.seed + 2 * p) | 1) >>> 0;
    const b = splitmix32(o.seed + 2 * p + 1);
    let min = 0xffffffff;
    for (const x of shingles) {
      const m = (Math.imul(x, a) + b) | 0;
      const v = (m ^ (m >>> 16)) >>> 0;
      if (v < min) min = v;
    }
    sig.push(min);
  }
  return sig;
}

const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'The',
        'the',
        'QUICK',
        'fox',
        'é',
        'e\u0301',
        'İ',
        'ß',
        '\u{1D400}x',
        '\u{1F600}',
        '\ud800',
        '\udc00',
        '3.14',
        "don't",
        'naïve',
        'Σίσυφος',
        '日本語',
      ),
      fc.constantFrom(' ', '  ', '\n', ', ', '-', '...', '\t'),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

describe('minhashSignature', () => {
  it('gives the reference signature bit for bit (default settings and others)', () => {
    const settings: MinHashOptions[] = [
      DEFAULT_NEAR_DEDUP,
      { shingle: 1, numPerm: 7, seed: 0 },
      { shingle: 3, numPerm: 64, seed: 0xffffffff },
      { shingle: 32, numPerm: 130, seed: 12345 },
    ];
    fc.assert(
      fc.property(text, fc.constantFrom(...settings), (t, o) => {
        const got = minhashSignature(t, o);
        const want = referenceSignature(t, o);
        expect(got === null ? null : Array.from(got)).toEqual(want);
      }),
      { numRuns: 600 },
    );
  });

  it('gives the reference on a long text after shorter ones (scratch reuse) and the same shingle set as the reference', () => {
    const long = 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(300) + 'Fin.';
    const huge = Array.from({ length: 70_000 }, (_, i) => `w${i % 9973}`).join(' '); // over the kept scratch: let go after use
    for (const t of ['a b', long, 'c d e f g h', huge, long.toUpperCase(), 'x y']) {
      expect(Array.from(minhashSignature(t, DEFAULT_NEAR_DEDUP)!)).toEqual(referenceSignature(t, DEFAULT_NEAR_DEDUP));
    }
    expect(shingleHashes('A b, c d e f!', 5, 9).size).toBe(2);
  });
});
