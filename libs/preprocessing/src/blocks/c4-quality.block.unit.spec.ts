import { c4QualityBlock } from '@1tt/preprocessing';
import { reasonOf, run, textOf } from './block-test-kit';

const S = 'This line is a proper sentence.';
const five = Array(5).fill(S).join('\n');
const c4 = (text: string, o = {}) => run(c4QualityBlock, text, o);

describe('c4-quality block (datatrove C4QualityFilter defaults)', () => {
  it('has the published defaults', () => {
    expect(c4QualityBlock.defaults).toEqual({
      remove_citations: true,
      filter_no_terminal_punct: true,
      min_num_sentences: 5,
      min_words_per_line: 3,
      max_word_length: 1000,
      filter_lorem_ipsum: true,
      filter_javascript: true,
      filter_curly_bracket: true,
      filter_policy: true,
    });
  });

  it('needs 5 sentences in kept lines: 5 kept, 4 removed', () => {
    expect(textOf(c4(five))).toBe(five);
    expect(reasonOf(c4(Array(4).fill(S).join('\n')))).toBe('c4:too_few_sentences');
    expect(textOf(c4('One sentence here. Two sentences here! Three here? Four here. Five here.'))).toContain('Five');
  });

  it('keeps lines ending in . ? ! " \' and drops others, and those ending in "..."', () => {
    const lines = [
      'Ends with a dot.',
      'Ends with a question?',
      'Ends with a bang!',
      'He said "so it goes."',
      "She said 'fine.'",
      'No punctuation at the end',
      'Trails off like this...',
    ];
    const out = textOf(c4(lines.join('\n'), { min_num_sentences: null }));
    expect(out.split('\n')).toEqual(lines.slice(0, 5));
  });

  it('drops lines of fewer than 3 words, keeps 3', () => {
    expect(textOf(c4(`Two words.\nThree words here.\n${five}`))).toBe(`Three words here.\n${five}`);
  });

  it('drops lines with a word over 1000 chars, keeps 1000', () => {
    const ok = `A ${'w'.repeat(1000)} word.`;
    const bad = `A ${'w'.repeat(1001)} word.`;
    expect(textOf(c4(`${ok}\n${bad}\n${five}`))).toBe(`${ok}\n${five}`);
  });

  it('drops lines mentioning javascript or a policy phrase', () => {
    const text = `Please enable JavaScript to view this.\nRead our Privacy Policy for details.\nThis site uses cookies to work.\n${five}`;
    expect(textOf(c4(text))).toBe(five);
  });

  it('removes the whole document on lorem ipsum or a curly bracket in a kept line', () => {
    expect(reasonOf(c4(`${five}\nLorem ipsum dolor sit amet.`))).toBe('c4:lorem_ipsum');
    expect(reasonOf(c4(`${five}\nThe object {a: 1} is here.`))).toBe('c4:curly_bracket');
    // A bracket in a line dropped earlier (no terminal punctuation) does not count.
    expect(reasonOf(c4(`${five}\nfunction f() {`))).toBeUndefined();
  });

  it('strips Wikipedia citations', () => {
    expect(textOf(c4(`Paris is the capital of France.[1] It is large.[citation needed]\n${five}`)).split('\n')[0]).toBe(
      'Paris is the capital of France. It is large.',
    );
  });
});
