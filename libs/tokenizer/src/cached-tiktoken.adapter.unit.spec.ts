import fc from 'fast-check';
import { CachedTiktokenTokenizer, PlainTiktokenTokenizer, TOKENIZER_ENCODINGS } from '@1tt/tokenizer';

// Characters chosen to exercise every branch of both pre-tokenisation regexes:
// case changes, contractions, digits runs, punctuation runs, CR/LF, mixed
// whitespace, combining marks, CJK, emoji (surrogate pairs), a lone surrogate.
const alphabet = [
  'a',
  'b',
  'e',
  'A',
  'Z',
  'é',
  'e\u0301',
  'ß',
  'ǅ',
  '1',
  '23',
  '٣',
  "'",
  "'s",
  "'LL",
  '.',
  ',',
  '!',
  '...',
  '-',
  '/',
  '{',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u3000',
  '中',
  '文',
  '😀',
  '👍🏽',
  '\ud800',
  '<|endoftext|>',
  '<|fim_prefix|>',
];
const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((parts) => parts.join(''));

describe.each(TOKENIZER_ENCODINGS)('CachedTiktokenTokenizer (%s)', (encoding) => {
  const plain = new PlainTiktokenTokenizer(encoding);
  const fast = new CachedTiktokenTokenizer(encoding);
  // Every piece of two bytes or more goes through the heap merge.
  const heapOnly = new CachedTiktokenTokenizer(encoding, { heapFromBytes: 2, cacheCapacity: 4 });

  it('counts exactly as js-tiktoken encode(text, [], []) on arbitrary mixed text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const expected = plain.count(t);
        expect(fast.count(t)).toBe(expected);
        expect(heapOnly.count(t)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('counts long single pieces exactly with both merge paths', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'n', 'an', 'ab', 'é'), { minLength: 50, maxLength: 400 }), (parts) => {
        const t = parts.join('');
        const expected = plain.count(t);
        expect(fast.count(t)).toBe(expected);
        expect(heapOnly.count(t)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('treats special-token strings in contributed text as ordinary text, where plain encode() would throw', () => {
    const t = 'before <|endoftext|> after <|endofprompt|>';
    expect(() => plain['tiktoken'].encode(t)).toThrow(/special token/);
    expect(fast.count(t)).toBe(plain.count(t));
    expect(fast.count(t)).toBeGreaterThan(4);
  });

  it('gives the same count on a second pass (cache hits) and after cache turnover', () => {
    const small = new CachedTiktokenTokenizer(encoding, { cacheCapacity: 3 });
    const t = 'The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs on and on!';
    const expected = plain.count(t);
    expect(small.count(t)).toBe(expected);
    expect(small.count(t)).toBe(expected);
    expect(fast.count(t + t)).toBe(plain.count(t + t));
  });

  it('counts the empty text as zero', () => {
    expect(fast.count('')).toBe(0);
  });

  it('bounds hostile input: one piece of 1 MB of the same letter is counted (linearithmic path), consistent with js-tiktoken at 4 KB', () => {
    const unit = 'a'.repeat(4096);
    expect(fast.count(unit)).toBe(plain.count(unit));
    const perUnit = fast.count(unit);
    // 4096 and 1 MiB are both multiples of the longest all-'a' token, so the
    // merge splits a 1 MiB run into 256 runs of 4 KiB counted alike.
    expect(fast.count('a'.repeat(1 << 20))).toBe(256 * perUnit);
    // A 1 MB piece of mixed letters (no repetition structure) also completes.
    let s = '';
    let x = 12345;
    for (let i = 0; i < 1 << 20; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += String.fromCharCode(97 + ((x >>> 16) % 26));
    }
    expect(fast.count(s)).toBeGreaterThan(1 << 17);
  });
});
