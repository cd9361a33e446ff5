import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { countOccurrences, englishWords, hasAlpha, isSymbolWord, splitLines } from '../english-text';

/**
 * Gopher quality rules (Rae et al. 2021, https://arxiv.org/abs/2112.11446),
 * with datatrove's defaults, rules and order:
 * huggingface/datatrove src/datatrove/pipeline/filters/gopher_quality_filter.py
 * (read at commit a649de79c14a550dc90f48a15c025f2dd3fd3b57).
 * Words come from englishWords() (an approximation of datatrove's NLTK split,
 * see english-text.ts). Stop words are matched case-sensitively, as there.
 */
export const GOPHER_STOP_WORDS = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'];

export interface GopherQualityOptions {
  min_doc_words: number | null;
  max_doc_words: number | null;
  min_avg_word_length: number | null;
  max_avg_word_length: number | null;
  max_symbol_word_ratio: number | null;
  max_bullet_lines_ratio: number | null;
  max_ellipsis_lines_ratio: number | null;
  max_non_alpha_words_ratio: number | null;
  min_stop_words: number | null;
  stop_words: string[];
}

export const gopherQualityBlock: Block<GopherQualityOptions> = {
  name: 'gopher-quality',
  version: 1,
  description: "Gopher quality heuristics with datatrove's defaults.",
  defaults: {
    min_doc_words: 50,
    max_doc_words: 100000,
    min_avg_word_length: 3,
    max_avg_word_length: 10,
    max_symbol_word_ratio: 0.1,
    max_bullet_lines_ratio: 0.9,
    max_ellipsis_lines_ratio: 0.3,
    max_non_alpha_words_ratio: 0.8,
    min_stop_words: 2,
    stop_words: GOPHER_STOP_WORDS,
  },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      {
        min_doc_words: 'count',
        max_doc_words: 'count',
        min_avg_word_length: 'count',
        max_avg_word_length: 'count',
        max_symbol_word_ratio: 'ratio',
        max_bullet_lines_ratio: 'ratio',
        max_ellipsis_lines_ratio: 'ratio',
        max_non_alpha_words_ratio: 'ratio',
        min_stop_words: 'count',
        stop_words: 'strings',
      },
      options,
      field,
    );
  },
  apply(doc, o) {
    const text = doc.text;
    const words = englishWords(text);
    const nWords = words.length;
    // One pass for every per-word measure; the rules below keep datatrove's order.
    let n = 0;
    let nonSymbolChars = 0;
    let alphaWords = 0;
    const stopWords = new Set(o.stop_words);
    // A word longer than every stop word is none of them: no hashing it for the lookup.
    let stopMax = 0;
    for (const w of o.stop_words) if (w.length > stopMax) stopMax = w.length;
    const stopFound = new Set<string>();
    for (const w of words) {
      if (!isSymbolWord(w)) {
        n += 1;
        nonSymbolChars += w.length;
      }
      if (hasAlpha(w)) alphaWords += 1;
      if (w.length <= stopMax && stopWords.has(w)) stopFound.add(w);
    }
    // datatrove tests `if threshold and ...`: 0 disables a rule like null does.
    if (o.min_doc_words && n < o.min_doc_words) return removed('gopher_quality:min_doc_words', `${n} words < ${o.min_doc_words}`);
    if (o.max_doc_words && n > o.max_doc_words) return removed('gopher_quality:max_doc_words', `${n} words > ${o.max_doc_words}`);
    if (nWords === 0 || n === 0) return removed('gopher_quality:min_doc_words', 'no words');

    const avg = nonSymbolChars / n;
    if (o.min_avg_word_length && avg < o.min_avg_word_length)
      return removed('gopher_quality:min_avg_word_length', `mean word length ${avg.toFixed(2)} < ${o.min_avg_word_length}`);
    if (o.max_avg_word_length && avg > o.max_avg_word_length)
      return removed('gopher_quality:max_avg_word_length', `mean word length ${avg.toFixed(2)} > ${o.max_avg_word_length}`);

    if (o.max_symbol_word_ratio) {
      const hashes = countOccurrences(text, '#') / nWords;
      if (hashes > o.max_symbol_word_ratio)
        return removed('gopher_quality:max_hash_ratio', `${hashes.toFixed(3)} '#' per word > ${o.max_symbol_word_ratio}`);
      const ellipses = (countOccurrences(text, '...') + countOccurrences(text, '…')) / nWords;
      if (ellipses > o.max_symbol_word_ratio)
        return removed('gopher_quality:max_ellipsis_ratio', `${ellipses.toFixed(3)} ellipses per word > ${o.max_symbol_word_ratio}`);
    }

    const lines = splitLines(text);
    if (lines.length > 0) {
      if (o.max_bullet_lines_ratio) {
        const bullets = lines.filter((l) => /^\s*[•-]/.test(l)).length / lines.length;
        if (bullets > o.max_bullet_lines_ratio)
          return removed(
            'gopher_quality:max_bullet_lines_ratio',
            `${bullets.toFixed(3)} of lines are bullets > ${o.max_bullet_lines_ratio}`,
          );
      }
      if (o.max_ellipsis_lines_ratio) {
        const ell = lines.filter((l) => /(?:\.\.\.|…)\s*$/.test(l)).length / lines.length;
        if (ell > o.max_ellipsis_lines_ratio)
          return removed(
            'gopher_quality:max_ellipsis_lines_ratio',
            `${ell.toFixed(3)} of lines end in an ellipsis > ${o.max_ellipsis_lines_ratio}`,
          );
      }
    }

    if (o.max_non_alpha_words_ratio) {
      // The name is datatrove's; the rule is "at least this share of words has a letter".
      const alpha = alphaWords / nWords;
      if (alpha < o.max_non_alpha_words_ratio)
        return removed(
          'gopher_quality:max_non_alpha_words_ratio',
          `${alpha.toFixed(3)} of words have a letter < ${o.max_non_alpha_words_ratio}`,
        );
    }

    if (o.min_stop_words) {
      const found = stopFound.size;
      if (found < o.min_stop_words) return removed('gopher_quality:min_stop_words', `${found} stop words < ${o.min_stop_words}`);
    }
    return doc;
  },
};
