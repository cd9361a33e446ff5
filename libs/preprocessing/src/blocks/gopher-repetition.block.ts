import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { englishWords } from '../english-text';
import { WordNGrams } from '../n-gram-repetition';

/**
 * Gopher repetition rules (Rae et al. 2021, table A1), with datatrove's
 * defaults, rules and order:
 * huggingface/datatrove src/datatrove/pipeline/filters/gopher_repetition_filter.py
 * (read at commit a649de79c14a550dc90f48a15c025f2dd3fd3b57).
 * As there: paragraphs split on 2+ newlines after trimming, lines on 1+
 * newlines; the "top n-gram" is the most frequent one, whatever its count;
 * duplicated n-grams are counted without overlap, joined without spaces;
 * every fraction is over the document's characters.
 * One known difference: on a tie for the top count this takes the n-gram
 * that reached the count first, datatrove's Counter.most_common(1) the one
 * seen first; they differ only when the tied n-grams differ in length.
 * Recorded results depend on it, so changing it needs a new block version.
 */
export interface GopherRepetitionOptions {
  dup_line_frac: number | null;
  dup_para_frac: number | null;
  dup_line_char_frac: number | null;
  dup_para_char_frac: number | null;
  top_n_grams: Array<[number, number]>;
  dup_n_grams: Array<[number, number]>;
}

function findDuplicates(items: string[]): { elements: number; chars: number } {
  const seen = new Set<string>();
  let elements = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      elements += 1;
      chars += x.length;
    } else seen.add(x);
  }
  return { elements, chars };
}

export const gopherRepetitionBlock: Block<GopherRepetitionOptions> = {
  name: 'gopher-repetition',
  version: 1,
  description: "Gopher repetition heuristics with datatrove's defaults.",
  defaults: {
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
  },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      {
        dup_line_frac: 'ratio',
        dup_para_frac: 'ratio',
        dup_line_char_frac: 'ratio',
        dup_para_char_frac: 'ratio',
        top_n_grams: 'ngram-fractions',
        dup_n_grams: 'ngram-fractions',
      },
      options,
      field,
    );
  },
  apply(doc, o) {
    const text = doc.text;
    const len = text.length;
    if (len === 0) return removed('empty');
    const frac = (x: number) => x.toFixed(3);

    const paragraphs = text.trim().split(/\n{2,}/);
    const paras = findDuplicates(paragraphs);
    if (o.dup_para_frac && paras.elements / paragraphs.length > o.dup_para_frac)
      return removed(
        'gopher_repetition:dup_para_frac',
        `${frac(paras.elements / paragraphs.length)} of paragraphs repeat > ${o.dup_para_frac}`,
      );
    if (o.dup_para_char_frac && paras.chars / len > o.dup_para_char_frac)
      return removed(
        'gopher_repetition:dup_para_char_frac',
        `${frac(paras.chars / len)} of chars in repeated paragraphs > ${o.dup_para_char_frac}`,
      );

    const lines = text.split(/\n+/);
    const ls = findDuplicates(lines);
    if (o.dup_line_frac && ls.elements / lines.length > o.dup_line_frac)
      return removed('gopher_repetition:dup_line_frac', `${frac(ls.elements / lines.length)} of lines repeat > ${o.dup_line_frac}`);
    if (o.dup_line_char_frac && ls.chars / len > o.dup_line_char_frac)
      return removed(
        'gopher_repetition:dup_line_char_frac',
        `${frac(ls.chars / len)} of chars in repeated lines > ${o.dup_line_char_frac}`,
      );

    const nGrams = new WordNGrams(englishWords(text));
    try {
      for (const [n, limit] of o.top_n_grams) {
        const share = nGrams.topNGramChars(n) / len;
        if (share > limit) return removed(`gopher_repetition:top_${n}_gram`, `top ${n}-gram covers ${frac(share)} of chars > ${limit}`);
      }
      for (const [n, limit] of o.dup_n_grams) {
        const share = nGrams.duplicatedNGramChars(n) / len;
        if (share > limit)
          return removed(`gopher_repetition:duplicated_${n}_n_grams`, `repeated ${n}-grams cover ${frac(share)} of chars > ${limit}`);
      }
    } finally {
      nGrams.release();
    }
    return doc;
  },
};
