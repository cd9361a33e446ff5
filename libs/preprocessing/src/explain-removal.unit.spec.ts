import { explainRemoval } from './explain-removal';

describe('explainRemoval', () => {
  it('says the rule in plain words, then the measurement and the limit the block recorded', () => {
    expect(explainRemoval('junk:repeated_lines', '3 of 4 lines repeat another line; the limit is 30 %')).toBe(
      'Lines or templates repeat too often: 3 of 4 lines repeat another line; the limit is 30 %.',
    );
    expect(explainRemoval('gopher_quality:min_doc_words', '12 words < 50')).toBe(
      'Too few words to judge as text (Gopher quality rule): 12 words < 50.',
    );
    expect(explainRemoval('gopher_repetition:top_4_gram', 'top 4-gram covers 0.31 of chars > 0.18')).toMatch(
      /^One phrase of 4 words makes up too much of the text \(Gopher repetition rule\): top 4-gram/,
    );
  });

  it('explains every reason without a measurement too, and names a reason it does not know', () => {
    expect(explainRemoval('near_duplicate')).toBe('A nearly identical text was already in the pool.');
    expect(explainRemoval('some_future_rule', 'x')).toBe('Removed by the rule some_future_rule: x.');
  });
});
