import { requestTextMatcher, wordCosine } from './request-match';

describe('requestTextMatcher (data requests, issue #15)', () => {
  it('matches a keyword as a whole word, case-insensitive, not inside a longer word', () => {
    const m = requestTextMatcher({ keywords: ['Urteil', 'c++'], sampleText: null });
    expect(m('Das URTEIL des Gerichts.')).toBe(true);
    expect(m('Die Urteilsbegründung folgt.')).toBe(false);
    expect(m('Vorurteil')).toBe(false);
    expect(m('written in c++ mostly')).toBe(true);
    expect(m('nothing here')).toBe(false);
  });

  it('matches text similar to the sample (word-set cosine ≥ 0.3) and not unrelated text', () => {
    const m = requestTextMatcher({
      keywords: [],
      sampleText: 'The court ruled that the contract was void because the seller hid the defect from the buyer.',
    });
    expect(m('The buyer argued the contract was void; the court agreed that the seller hid the defect.')).toBe(true);
    expect(m('Preheat the oven, whisk two eggs with sugar and fold in the flour gently.')).toBe(false);
  });

  it('without keywords or sample every document matches; with both either suffices', () => {
    expect(requestTextMatcher({ keywords: [], sampleText: null })('anything')).toBe(true);
    const m = requestTextMatcher({ keywords: ['gpl'], sampleText: 'free software foundation license' });
    expect(m('the GPL')).toBe(true);
    expect(m('Free Software Foundation license terms')).toBe(true);
    expect(m('cooking')).toBe(false);
  });

  it('cosine is 1 for equal counts, 0 for disjoint, 0 for empty', () => {
    const a = new Map([
      ['x', 2],
      ['y', 1],
    ]);
    expect(wordCosine(a, a)).toBeCloseTo(1, 12);
    expect(wordCosine(a, new Map([['z', 1]]))).toBe(0);
    expect(wordCosine(new Map(), a)).toBe(0);
  });
});
