import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';

// ASCII whitespace plus the Unicode spaces normalise-whitespace folds, by table.
const BREAKS = new Uint8Array(0x3001);
for (const c of [32, 9, 10, 11, 12, 13, 0xa0, 0x3000, 0x2028, 0x2029]) BREAKS[c] = 1;
for (let c = 0x2000; c <= 0x200a; c++) BREAKS[c] = 1;

export interface LongestWordOptions {
  max_word_chars: number;
}

/**
 * Hostile-input guard: removes a document containing a run of non-space
 * characters longer than `max_word_chars` (default 1000, C4's max_word_length).
 * Byte-pair merging is superlinear in the length of one pre-tokenised piece;
 * the tokenizer adapter is O(n log n) on its own, but no natural-language word
 * is 1000 characters long, and every later block works on bounded words.
 * A linear scan, no regex backtracking.
 */
export const longestWordBlock: Block<LongestWordOptions> = {
  name: 'longest-word',
  version: 1,
  description: 'Removes documents with a word (run of non-space characters) longer than max_word_chars.',
  defaults: { max_word_chars: 1000 },
  resolveOptions(options, field) {
    const o = resolveBlockOptions(this.defaults, { max_word_chars: 'count' }, options, field);
    return o;
  },
  apply(doc, o) {
    const t = doc.text;
    let run = 0;
    let longest = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c <= 0x3000 && BREAKS[c] === 1) {
        run = 0;
      } else if (++run > longest) {
        longest = run;
        if (longest > o.max_word_chars) return removed('too_long_word', `a word of more than ${o.max_word_chars} chars`);
      }
    }
    return doc;
  },
};
