import { removeUnprintableBlock } from '@1tt/preprocessing';
import { run, textOf } from './block-test-kit';

describe('remove-unprintable block', () => {
  it('drops control characters but keeps tab, LF and CR', () => {
    expect(textOf(run(removeUnprintableBlock, 'a\x00b\x07c\td\ne\r\nf\x1bg\x7fh\x85i'))).toBe('abc\td\ne\r\nfghi');
  });
  it('drops BOMs, noncharacters and unpaired surrogates but keeps surrogate pairs (emoji)', () => {
    expect(textOf(run(removeUnprintableBlock, '\ufeffok\uffff \ud800x \udc00y 😀'))).toBe('ok x y 😀');
  });
  it('keeps format characters by default (ZWJ emoji sequences), drops them except ZWJ/ZWNJ on request', () => {
    const text = 'a\u200bb 👩\u200d💻';
    expect(textOf(run(removeUnprintableBlock, text))).toBe(text);
    expect(textOf(run(removeUnprintableBlock, text, { remove_format_chars: true }))).toBe('ab 👩\u200d💻');
  });
});
