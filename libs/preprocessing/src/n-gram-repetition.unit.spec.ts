import fc from 'fast-check';
import { englishWords } from './english-text';
import { WordNGrams } from './n-gram-repetition';

/*
 * The rules' definitions with real strings: the reference the fast path must
 * equal. On a tie for the top count, the recorded results take the n-gram
 * that reached the count first; Python's Counter.most_common(1) (datatrove)
 * takes the first inserted. They differ only when tied n-grams differ in
 * length ("...", "ba", "ba", "..." as 1-grams: 4 here, 6 there); changing it
 * changes results, so it needs a new block version, not a speed-up.
 */
function referenceTop(words: readonly string[], n: number): number {
  if (words.length < n) return 0;
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    const c = (counts.get(g) ?? 0) + 1;
    counts.set(g, c);
    if (c > bestCount) [best, bestCount] = [g, c];
  }
  return best.length * bestCount;
}

function referenceDuplicated(words: readonly string[], n: number): number {
  const seen = new Set<string>();
  let repeated = 0;
  let i = 0;
  while (i < words.length - n + 1) {
    const g = words.slice(i, i + n).join('');
    if (seen.has(g)) {
      repeated += g.length;
      i += n;
    } else {
      seen.add(g);
      i += 1;
    }
  }
  return repeated;
}

// Few distinct pieces, so n-grams repeat; pieces that glue into each other
// ("U.S" / "U", ".", "S"; "ab" / "a", "b") exercise the joined form.
const piece = fc.constantFrom('a', 'b', 'ab', 'ba', 'U', '.', 'S', 'U.S', '...', 'the', 'of', 'é', '\u{1F600}', 'x1', '-', 'e-mail');
const wordList = fc.array(piece, { minLength: 0, maxLength: 120 });

describe('WordNGrams (Gopher repetition n-gram measures)', () => {
  it('equals the string-building reference for every n, in any order of calls', () => {
    fc.assert(
      fc.property(wordList, fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 6 }), (words, ns) => {
        const g = new WordNGrams(words);
        for (const n of ns) {
          expect(g.topNGramChars(n)).toBe(referenceTop(words, n));
          expect(g.duplicatedNGramChars(n)).toBe(referenceDuplicated(words, n));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('treats differently split words with the same characters as one joined n-gram, and not as one spaced n-gram', () => {
    // Joined 2-grams: "abc", "ca", "abc": the third repeats the first (3 chars).
    expect(new WordNGrams(['ab', 'c', 'a', 'bc']).duplicatedNGramChars(2)).toBe(3);
    // Spaced 2-grams "ab c", "c a", "a bc" are all different: the top one is the first, once.
    expect(new WordNGrams(['ab', 'c', 'a', 'bc']).topNGramChars(2)).toBe(4);
    // "U.S" "." "x" and "U" "." "S.x" are both "U.S.x" joined.
    expect(new WordNGrams(['U.S', '.', 'x', 'U', '.', 'S.x']).duplicatedNGramChars(3)).toBe(5);
  });

  it('matches the reference on real prose after scratch reuse by a larger and a smaller document', () => {
    const prose = 'The cat sat on the mat. The cat sat on the hat, and the dog sat on the mat. '.repeat(40);
    // 30 x: scratch grows; 100 x (over 65,536 words): scratch is let go after use, then regrown.
    for (const text of [prose.repeat(30), prose, prose.repeat(100), 'one two three', prose]) {
      const words = englishWords(text);
      const g = new WordNGrams(words);
      for (const n of [2, 3, 4]) expect(g.topNGramChars(n)).toBe(referenceTop(words, n));
      for (const n of [5, 6, 7, 8, 9, 10]) expect(g.duplicatedNGramChars(n)).toBe(referenceDuplicated(words, n));
      g.release();
    }
  });
});
