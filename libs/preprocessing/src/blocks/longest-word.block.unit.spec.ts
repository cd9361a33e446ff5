import { longestWordBlock } from '@1tt/preprocessing';
import { reasonOf, run } from './block-test-kit';

describe('longest-word block (hostile input guard)', () => {
  it('keeps a word of exactly 1000 characters and removes one of 1001 (default)', () => {
    expect(longestWordBlock.defaults.max_word_chars).toBe(1000);
    expect(reasonOf(run(longestWordBlock, `ok ${'a'.repeat(1000)} ok`))).toBeUndefined();
    expect(reasonOf(run(longestWordBlock, `ok ${'a'.repeat(1001)} ok`))).toBe('too_long_word');
  });
  it('counts runs across punctuation (one pre-tokenised piece can be punctuation too)', () => {
    expect(reasonOf(run(longestWordBlock, '-'.repeat(11), { max_word_chars: 10 }))).toBe('too_long_word');
    expect(reasonOf(run(longestWordBlock, `${'-'.repeat(10)}\u00a0${'-'.repeat(10)}`, { max_word_chars: 10 }))).toBeUndefined();
  });
  it('removes a 1 MB run of one letter', () => {
    expect(reasonOf(run(longestWordBlock, 'a'.repeat(1 << 20)))).toBe('too_long_word');
  });
});
