import { gopherRepetitionBlock } from '@1tt/preprocessing';
import { reasonOf, run } from './block-test-kit';

const OFF = {
  dup_line_frac: null,
  dup_para_frac: null,
  dup_line_char_frac: null,
  dup_para_char_frac: null,
  top_n_grams: [],
  dup_n_grams: [],
};
const rep = (text: string, o: object) => reasonOf(run(gopherRepetitionBlock, text, { ...OFF, ...o }));
const D = gopherRepetitionBlock.defaults;
/** Distinct filler words of exactly 2 chars: "a0".."z9". */
const filler = (k: number) => Array.from({ length: k }, (_, i) => String.fromCharCode(97 + (Math.floor(i / 10) % 26)) + (i % 10));
/** Appends distinct filler words, then one word of the right length, to reach exactly `len` chars. */
function padTo(text: string, len: number): string {
  let t = text;
  let i = 0;
  const f = filler(260).map((w) => `q${w}`);
  while (len - t.length > 8) t += ` ${f[i++]}`;
  const rest = len - t.length - 1;
  return rest >= 1 ? `${t} ${'Z'.repeat(rest)}` : t + ' '.repeat(len - t.length);
}

describe('gopher-repetition block (datatrove defaults)', () => {
  it('has the published defaults', () => {
    expect(D).toEqual({
      dup_line_frac: 0.3,
      dup_para_frac: 0.3,
      dup_line_char_frac: 0.2,
      dup_para_char_frac: 0.2,
      top_n_grams: [
        [2, 0.2],
        [3, 0.18],
        [4, 0.16],
      ],
      dup_n_grams: [
        [5, 0.15],
        [6, 0.14],
        [7, 0.13],
        [8, 0.12],
        [9, 0.11],
        [10, 0.1],
      ],
    });
  });

  it('keeps ordinary prose with every rule on', () => {
    const prose =
      'The quick brown fox jumps over the lazy dog.\n\nA wizard quickly jinxed the gnomes before they vaporized.\nPack my box with five dozen liquor jugs.';
    expect(reasonOf(run(gopherRepetitionBlock, prose))).toBeUndefined();
  });

  it('dup_para_frac: 3 repeated of 10 kept, 4 of 10 removed', () => {
    const paras = (dups: number) => [...filler(10 - dups), ...filler(dups)].join('\n\n');
    expect(rep(paras(3), { dup_para_frac: D.dup_para_frac })).toBeUndefined();
    expect(rep(paras(4), { dup_para_frac: D.dup_para_frac })).toBe('gopher_repetition:dup_para_frac');
  });

  it('dup_para_char_frac: 20 of 100 chars kept, 20 of 99 removed', () => {
    const p1 = 'x'.repeat(20);
    expect(rep([p1, 'y'.repeat(56), p1].join('\n\n'), { dup_para_char_frac: D.dup_para_char_frac })).toBeUndefined();
    expect(rep([p1, 'y'.repeat(55), p1].join('\n\n'), { dup_para_char_frac: D.dup_para_char_frac })).toBe(
      'gopher_repetition:dup_para_char_frac',
    );
  });

  it('dup_line_frac: 3 repeated of 10 kept, 4 of 10 removed', () => {
    const lines = (dups: number) => [...filler(10 - dups), ...filler(dups)].join('\n');
    expect(rep(lines(3), { dup_line_frac: D.dup_line_frac })).toBeUndefined();
    expect(rep(lines(4), { dup_line_frac: D.dup_line_frac })).toBe('gopher_repetition:dup_line_frac');
  });

  it('dup_line_char_frac: 20 of 100 chars kept, 20 of 99 removed', () => {
    const l1 = 'x'.repeat(20);
    expect(rep([l1, 'y'.repeat(58), l1].join('\n'), { dup_line_char_frac: D.dup_line_char_frac })).toBeUndefined();
    expect(rep([l1, 'y'.repeat(57), l1].join('\n'), { dup_line_char_frac: D.dup_line_char_frac })).toBe(
      'gopher_repetition:dup_line_char_frac',
    );
  });

  it('top 2-gram: 4 x "aa bb" (20 chars) in 100 kept, in 99 removed', () => {
    const base = 'aa bb aa bb aa bb aa bb';
    expect(padTo(base, 100)).toHaveLength(100);
    expect(rep(padTo(base, 100), { top_n_grams: [[2, 0.2]] })).toBeUndefined();
    expect(rep(padTo(base, 99), { top_n_grams: [[2, 0.2]] })).toBe('gopher_repetition:top_2_gram');
  });

  it('top 3-gram and 4-gram thresholds apply to their own n', () => {
    const base = 'aa bb cc aa bb cc aa bb cc';
    // "aa bb cc" (8 chars) x 3 = 24: 24/133 = 0.1805 > 0.18, 24/134 = 0.1791.
    expect(rep(padTo(base, 134), { top_n_grams: [[3, 0.18]] })).toBeUndefined();
    expect(rep(padTo(base, 133), { top_n_grams: [[3, 0.18]] })).toBe('gopher_repetition:top_3_gram');
  });

  it('duplicated 5-grams: 10 repeated chars in 67 kept (0.149), in 66 removed (0.152)', () => {
    const base = 'a1 b1 c1 d1 e1 a1 b1 c1 d1 e1';
    expect(rep(padTo(base, 67), { dup_n_grams: [[5, 0.15]] })).toBeUndefined();
    expect(rep(padTo(base, 66), { dup_n_grams: [[5, 0.15]] })).toBe('gopher_repetition:duplicated_5_n_grams');
  });

  it('duplicated 10-grams: 20 repeated chars in 200 kept, in 199 removed', () => {
    const ten = filler(10).join(' ');
    const base = `${ten} ${ten}`;
    expect(rep(padTo(base, 200), { dup_n_grams: [[10, 0.1]] })).toBeUndefined();
    expect(rep(padTo(base, 199), { dup_n_grams: [[10, 0.1]] })).toBe('gopher_repetition:duplicated_10_n_grams');
  });
});
