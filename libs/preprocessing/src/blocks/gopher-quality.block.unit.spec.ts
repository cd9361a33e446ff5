import { GOPHER_STOP_WORDS, gopherQualityBlock } from '@1tt/preprocessing';
import { reasonOf, run } from './block-test-kit';

// Three-letter filler words: not stop words, so "the" and "and" are the only ones.
const FILLER = ['cat', 'sat', 'mat', 'dog', 'ran', 'far', 'sun', 'hot', 'red', 'big'];
const words = (n: number) => ['the', 'and', ...Array.from({ length: n - 2 }, (_, i) => FILLER[i % FILLER.length])];
const q = (text: string, o = {}) => reasonOf(run(gopherQualityBlock, text, o));

describe('gopher-quality block (datatrove defaults)', () => {
  it('has the published defaults', () => {
    expect(gopherQualityBlock.defaults).toEqual({
      min_doc_words: 50,
      max_doc_words: 100000,
      min_avg_word_length: 3,
      max_avg_word_length: 10,
      max_symbol_word_ratio: 0.1,
      max_bullet_lines_ratio: 0.9,
      max_ellipsis_lines_ratio: 0.3,
      max_non_alpha_words_ratio: 0.8,
      min_stop_words: 2,
      stop_words: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'],
    });
    expect(GOPHER_STOP_WORDS).toHaveLength(8);
  });

  it('min_doc_words: 50 words kept, 49 removed (symbols do not count)', () => {
    expect(q(words(50).join(' '))).toBeUndefined();
    expect(q(`${words(49).join(' ')} . , ;`)).toBe('gopher_quality:min_doc_words');
  });

  it('max_doc_words: 100000 kept, 100001 removed', () => {
    expect(q(words(100000).join(' '))).toBeUndefined();
    expect(q(words(100001).join(' '))).toBe('gopher_quality:max_doc_words');
  });

  it('mean word length: 3 kept, below removed; 10 kept, above removed', () => {
    expect(q(words(50).join(' '))).toBeUndefined();
    expect(q(['the', 'and', ...Array(48).fill('ab')].join(' '))).toBe('gopher_quality:min_avg_word_length');
    const long = ['the', 'and', ...Array(46).fill('abcdefghij'), 'abcdefghijklmnopq', 'abcdefghijklmnopq'];
    expect(q(long.join(' '))).toBeUndefined();
    long[49] += 'x';
    expect(q(long.join(' '))).toBe('gopher_quality:max_avg_word_length');
  });

  it("'#' per word: 5 in 55 words kept, 6 in 56 removed", () => {
    expect(q([...words(50), ...Array(5).fill('#')].join(' '))).toBeUndefined();
    expect(q([...words(50), ...Array(6).fill('#')].join(' '))).toBe('gopher_quality:max_hash_ratio');
  });

  it('ellipses per word: 5 in 56 kept, 6 in 57 removed ("…" counts too)', () => {
    expect(q([...words(50), '...', '...', '…', '...', '...', 'end'].join(' '))).toBeUndefined();
    expect(q([...words(50), '...', '...', '…', '...', '...', '…', 'end'].join(' '))).toBe('gopher_quality:max_ellipsis_ratio');
  });

  it('bullet lines: 9 of 10 kept, 10 of 10 removed', () => {
    const lines = Array.from({ length: 10 }, () => words(10).join(' '));
    const bulleted = (k: number) => lines.map((l, i) => (i < k ? (i % 2 ? `- ${l}` : `  • ${l}`) : l)).join('\n');
    expect(q(bulleted(9))).toBeUndefined();
    expect(q(bulleted(10))).toBe('gopher_quality:max_bullet_lines_ratio');
  });

  it('lines ending in an ellipsis: 3 of 10 kept, 4 of 10 removed', () => {
    const doc = (k: number) =>
      Array.from({ length: 10 }, (_, i) => `${words(10).join(' ')}${i < k ? (i % 2 ? ' …' : '...  ') : ''}`).join('\n');
    expect(q(doc(3))).toBeUndefined();
    expect(q(doc(4))).toBe('gopher_quality:max_ellipsis_lines_ratio');
  });

  it('words with a letter: 50 of 62 kept (0.806), 50 of 63 removed (0.794)', () => {
    expect(q([...words(50), ...Array(12).fill('123')].join(' '))).toBeUndefined();
    expect(q([...words(50), ...Array(13).fill('123')].join(' '))).toBe('gopher_quality:max_non_alpha_words_ratio');
  });

  it('stop words: two distinct kept, one removed (case-sensitive, as datatrove)', () => {
    expect(q(words(50).join(' '))).toBeUndefined();
    expect(
      q(
        words(50)
          .map((w) => (w === 'and' ? 'cat' : w))
          .join(' '),
      ),
    ).toBe('gopher_quality:min_stop_words');
    expect(
      q(
        words(50)
          .map((w) => (w === 'and' ? 'The' : w))
          .join(' '),
      ),
    ).toBe('gopher_quality:min_stop_words');
  });

  it('a rule set to null is off', () => {
    expect(q(words(10).join(' '), { min_doc_words: null })).toBeUndefined();
  });
});
