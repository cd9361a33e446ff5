import { lengthFilterBlock } from '@1tt/preprocessing';
import { reasonOf, run } from './block-test-kit';

describe('length-filter block', () => {
  it('is off by default', () => {
    expect(reasonOf(run(lengthFilterBlock, 'x'))).toBeUndefined();
  });
  it('bounds characters inclusively', () => {
    expect(reasonOf(run(lengthFilterBlock, 'abcd', { min_chars: 5 }))).toBe('length:min_chars');
    expect(reasonOf(run(lengthFilterBlock, 'abcde', { min_chars: 5, max_chars: 5 }))).toBeUndefined();
    expect(reasonOf(run(lengthFilterBlock, 'abcdef', { max_chars: 5 }))).toBe('length:max_chars');
  });
  it('bounds whitespace-separated words inclusively', () => {
    expect(reasonOf(run(lengthFilterBlock, 'a b', { min_words: 3 }))).toBe('length:min_words');
    expect(reasonOf(run(lengthFilterBlock, ' a  b\nc ', { min_words: 3, max_words: 3 }))).toBeUndefined();
    expect(reasonOf(run(lengthFilterBlock, 'a b c d', { max_words: 3 }))).toBe('length:max_words');
  });
  it('refuses negative or fractional bounds', () => {
    expect(() => lengthFilterBlock.resolveOptions({ min_chars: -1 }, 'o')).toThrow(/o.min_chars/);
    expect(() => lengthFilterBlock.resolveOptions({ max_words: 1.5 }, 'o')).toThrow(/o.max_words/);
    expect(() => lengthFilterBlock.resolveOptions({ maxWords: 1 }, 'o')).toThrow(/not an option/);
  });
});
