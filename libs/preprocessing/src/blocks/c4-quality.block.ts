import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { SPACE, bmpClassOf } from '../char-classes';
import { countSentences, splitLines } from '../english-text';

/**
 * C4 line and document rules (Raffel et al. 2020), with datatrove's
 * C4QualityFilter defaults, rules and order:
 * huggingface/datatrove src/datatrove/pipeline/filters/c4_filters.py
 * (read at commit a649de79c14a550dc90f48a15c025f2dd3fd3b57).
 * Per line (trimmed): drop it if a word is over max_word_length chars, strip
 * Wikipedia citations, drop it without terminal punctuation (or ending in
 * "..."), with fewer than min_words_per_line words, mentioning "javascript" or
 * a policy phrase; remove the whole document on "lorem ipsum" or a "{", or
 * with fewer than min_num_sentences sentences in the kept lines. The kept
 * lines are joined with "\n". Sentences are counted by countSentences() (an
 * approximation of NLTK Punkt). The bad-words list is not implemented there
 * either.
 */
export const C4_POLICY_SUBSTRINGS = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
// One scan for all the phrases instead of one includes() per phrase (the phrases hold no regex syntax).
const POLICY = new RegExp(C4_POLICY_SUBSTRINGS.join('|'));
const CITATION = /\[\d*]|\[edit]|\[citation needed]/g;
const END_PUNCTUATION = ['.', '?', '!', '"', "'"];

/** Number and longest length of a line's whitespace-separated words (line.split(/\s+/) without empties), in one scan. */
function lineWords(line: string): { count: number; longest: number } {
  let count = 0;
  let longest = 0;
  let run = 0;
  for (let i = 0; i < line.length; i++) {
    // Surrogates are never whitespace; the table classes them so.
    if (bmpClassOf(line.charCodeAt(i)) === SPACE) {
      if (run > 0) {
        count += 1;
        if (run > longest) longest = run;
        run = 0;
      }
    } else run += 1;
  }
  if (run > 0) {
    count += 1;
    if (run > longest) longest = run;
  }
  return { count, longest };
}

export interface C4QualityOptions {
  remove_citations: boolean;
  filter_no_terminal_punct: boolean;
  min_num_sentences: number | null;
  min_words_per_line: number | null;
  max_word_length: number | null;
  filter_lorem_ipsum: boolean;
  filter_javascript: boolean;
  filter_curly_bracket: boolean;
  filter_policy: boolean;
}

export const c4QualityBlock: Block<C4QualityOptions> = {
  name: 'c4-quality',
  version: 1,
  description: "C4 line/document rules with datatrove's C4QualityFilter defaults; rewrites the text to the kept lines.",
  defaults: {
    remove_citations: true,
    filter_no_terminal_punct: true,
    min_num_sentences: 5,
    min_words_per_line: 3,
    max_word_length: 1000,
    filter_lorem_ipsum: true,
    filter_javascript: true,
    filter_curly_bracket: true,
    filter_policy: true,
  },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      {
        remove_citations: 'boolean',
        filter_no_terminal_punct: 'boolean',
        min_num_sentences: 'count',
        min_words_per_line: 'count',
        max_word_length: 'count',
        filter_lorem_ipsum: 'boolean',
        filter_javascript: 'boolean',
        filter_curly_bracket: 'boolean',
        filter_policy: 'boolean',
      },
      options,
      field,
    );
  },
  apply(doc, o) {
    let sentences = 0;
    const kept: string[] = [];
    for (const raw of splitLines(doc.text)) {
      let line = raw.trim();
      const words = lineWords(line);
      if (o.max_word_length !== null && words.longest > o.max_word_length) continue;
      if (o.remove_citations && line.includes('[')) line = line.replace(CITATION, ''); // every citation starts with "["
      if (o.filter_no_terminal_punct && (!END_PUNCTUATION.some((p) => line.endsWith(p)) || line.endsWith('...'))) continue;
      if (o.min_words_per_line !== null && words.count < o.min_words_per_line) continue;
      const lower = line.toLowerCase();
      if (o.filter_lorem_ipsum && lower.includes('lorem ipsum')) return removed('c4:lorem_ipsum', 'contains "lorem ipsum"');
      if (o.filter_javascript && lower.includes('javascript')) continue;
      if (o.filter_curly_bracket && line.includes('{')) return removed('c4:curly_bracket', 'contains "{"');
      if (o.filter_policy && POLICY.test(lower)) continue;
      if (o.min_num_sentences !== null) sentences += countSentences(line);
      kept.push(line);
    }
    if (o.min_num_sentences !== null && sentences < o.min_num_sentences)
      return removed('c4:too_few_sentences', `${sentences} sentences in kept lines < ${o.min_num_sentences}`);
    return { ...doc, text: kept.join('\n').trim() };
  },
};
