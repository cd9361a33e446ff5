import fc from 'fast-check';
import { englishWords, estimateJaccard, exactJaccard, minhashSignature, shingleHashes, DEFAULT_NEAR_DEDUP } from '@1tt/preprocessing';
import { licenseFile } from '../../../test/support/license-texts';

// The table-driven scanners must give exactly what these regexes give.
const WORDS_RE = /[\p{L}\p{N}\p{M}]+(?:['’\-.][\p{L}\p{N}\p{M}]+)*|\.\.\.|[^\s\p{L}\p{N}\p{M}]/gu;
const pieces = [
  'a',
  'Z',
  'é',
  'e\u0301',
  '1',
  '٣',
  "'",
  '’',
  '-',
  '.',
  '..',
  '...',
  ',',
  ' ',
  '\n',
  '\u00a0',
  '\u3000',
  '中',
  '😀',
  '𝐀',
  '\ud800',
  '\udc00',
  '#',
  '—',
];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(''));

describe('englishWords', () => {
  it('equals the reference regex on arbitrary text (astral letters, lone surrogates, joiners)', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect([...englishWords(t)]).toEqual(t.match(WORDS_RE) ?? []);
      }),
      { numRuns: 2000 },
    );
  });
  it('splits punctuation off words and keeps inner joiners', () => {
    expect([...englishWords("Don't stop-gap U.S. 3.14... (ok)")]).toEqual(["Don't", 'stop-gap', 'U.S', '.', '3.14', '...', '(', 'ok', ')']);
  });
});

describe('MinHash shingles and estimates', () => {
  it('shingles ignore case, punctuation and spacing', () => {
    const a = shingleHashes('The quick, brown fox jumps over the lazy dog.', 5, 1);
    const b = shingleHashes('the QUICK brown   fox -- jumps over the lazy dog', 5, 1);
    expect(exactJaccard(a, b)).toBe(1);
  });
  it('estimated Jaccard from 120 permutations stays within 0.1 of the exact value on real text', () => {
    const lic = licenseFile;
    const pairs: Array<[string, string]> = [
      [lic('GPL-2'), lic('LGPL-2.1')],
      [lic('GPL-2'), lic('GPL-3')],
      [lic('GPL-3'), lic('GPL-3').replace(/\bthe\b/g, (m, off: number) => (off % 7 === 0 ? 'a' : m))],
    ];
    for (const [a, b] of pairs) {
      const exact = exactJaccard(shingleHashes(a, 5, DEFAULT_NEAR_DEDUP.seed), shingleHashes(b, 5, DEFAULT_NEAR_DEDUP.seed));
      const est = estimateJaccard(minhashSignature(a, DEFAULT_NEAR_DEDUP)!, minhashSignature(b, DEFAULT_NEAR_DEDUP)!);
      expect(Math.abs(est - exact)).toBeLessThan(0.1);
    }
  });
  it('has no signature for a text without words', () => {
    expect(minhashSignature('... --- !!!', DEFAULT_NEAR_DEDUP)).toBeNull();
  });
});
