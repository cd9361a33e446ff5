import { normaliseWhitespaceBlock } from '@1tt/preprocessing';
import { run, textOf } from './block-test-kit';

describe('normalise-whitespace block', () => {
  it('unifies line breaks, collapses spaces, trims lines and the text, keeps at most one blank line', () => {
    expect(textOf(run(normaliseWhitespaceBlock, '  a \t b\u00a0\u3000c  \r\nd\re\u2028f\n\n\n\n g  \n'))).toBe('a b c\nd\ne\nf\n\ng');
  });
  it('unwraps hard-wrapped lines on request, keeping paragraphs and list items', () => {
    const text = 'This is a hard\nwrapped sentence.\n\nA list:\n- one\n- two\n1. three\nafter';
    expect(textOf(run(normaliseWhitespaceBlock, text, { unwrap_lines: true }))).toBe(
      'This is a hard wrapped sentence.\n\nA list:\n- one\n- two\n1. three after',
    );
    expect(textOf(run(normaliseWhitespaceBlock, text))).toBe(text);
  });
});
