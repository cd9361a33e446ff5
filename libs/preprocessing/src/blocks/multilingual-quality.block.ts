import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { STOP_WORDS } from './stop-words';
import { UNSPACED_LANGUAGES, percent, wordsOf } from './text-signals';

/**
 * Gopher quality rules the FineWeb-2 way (Penedo et al. 2025,
 * huggingface/fineweb-2 configs/*.yml): the same rules for every language,
 * with the language's own stop words, word lengths by script and no
 * English-only rule applied to another language. Words are whitespace tokens
 * (the Gopher paper's words; datatrove's Treebank split would make every
 * "(a)", "1." and "--" a non-alphabetic word); unspaced languages (ja, zh,
 * th ...) are counted by character, as FineWeb-2 counts their segmenter's
 * words (min_avg_word_length 1, max 5 for jpn_Jpan).
 * Thresholds (defaults):
 * - min_doc_words 50, max_doc_words 100,000 (Gopher);
 * - mean word length in [min_avg_word_length, max_avg_word_length]: 2..15 for
 *   spaced scripts (FineWeb-2 deu_Latn: 0..15; Gopher's 3..10 is English), 1..5
 *   when counted by character (FineWeb-2 jpn_Jpan);
 * - min_alpha_words_ratio 0.75 of words have a letter (Gopher 0.8; FineWeb-2
 *   deu_Latn 0.774, jpn_Jpan 0.759);
 * - min_stop_words 2 of the language's list (Gopher; FineWeb-2 per language),
 *   skipped for a language without a list;
 * - max_symbol_word_ratio 0.1 for '#' and ellipses (Gopher).
 * With `prose_part` (markdown and reference routes) the rules run on the prose
 * part only: fenced and indented code, inline code, URLs, table rows, option
 * entries ("-x, --long") and headings are left out of the measures, and the
 * whole document is kept when they pass (those parts are paid for too).
 */
export interface MultilingualQualityOptions {
  prose_part: boolean;
  min_doc_words: number | null;
  max_doc_words: number | null;
  min_avg_word_length: number | null;
  max_avg_word_length: number | null;
  min_alpha_words_ratio: number | null;
  min_stop_words: number | null;
  max_symbol_word_ratio: number | null;
}

const URL = /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+|\S+@\S+\.\w+/g;
const INLINE_CODE = /`[^`\n]*`/g;

/** The prose part of a markdown, man page or other reference text (see above). */
export function prosePart(text: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const t = line.trim();
    if (/^(```|~~~)/.test(t)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || t === '') continue;
    if (/^\t| {12,}/.test(line) && !/\p{L}{3,}.*\p{L}{3,}.*\p{L}{3,}/u.test(t)) continue; // indented code, not indented prose
    if (/^\|.*\|$/.test(t) || /^[-=*_|:+ ]{3,}$/.test(t)) continue; // table rows and rules
    if (/^(?:-{1,2}[\w?][\w-]*|[A-Z_]{3,}=)/.test(t)) continue; // option entries
    if (/^#{1,6} /.test(t) || (/^[\p{Lu}\d][\p{Lu}\d _-]{2,60}$/u.test(t) && !/\p{Ll}/u.test(t))) continue; // headings
    const cleaned = line
      .replace(INLINE_CODE, ' ')
      .replace(URL, ' ')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim();
    if (cleaned !== '') out.push(cleaned);
  }
  return out.join('\n');
}

export const multilingualQualityBlock: Block<MultilingualQualityOptions> = {
  name: 'multilingual-quality',
  version: 1,
  description: 'Gopher quality rules per language (FineWeb-2 approach); on markdown/reference, on the prose part only.',
  defaults: {
    prose_part: false,
    min_doc_words: 50,
    max_doc_words: 100000,
    min_avg_word_length: 2,
    max_avg_word_length: 15,
    min_alpha_words_ratio: 0.75,
    min_stop_words: 2,
    max_symbol_word_ratio: 0.1,
  },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      {
        prose_part: 'boolean',
        min_doc_words: 'count',
        max_doc_words: 'count',
        min_avg_word_length: 'count',
        max_avg_word_length: 'count',
        min_alpha_words_ratio: 'ratio',
        min_stop_words: 'count',
        max_symbol_word_ratio: 'ratio',
      },
      options,
      field,
    );
  },
  apply(doc, o) {
    const language = doc.language ?? 'und';
    const text = o.prose_part ? prosePart(doc.text) : doc.text;
    const unspaced = UNSPACED_LANGUAGES.has(language);
    const words = wordsOf(text, unspaced);
    const n = words.length;
    const part = o.prose_part ? ' in its prose part' : '';
    if (o.min_doc_words !== null && n < o.min_doc_words)
      return removed('quality:min_doc_words', `${n} words${part}; the minimum is ${o.min_doc_words}`);
    if (o.max_doc_words !== null && n > o.max_doc_words)
      return removed('quality:max_doc_words', `${n} words${part}; the maximum is ${o.max_doc_words}`);
    if (n === 0) return doc;
    let chars = 0;
    let alpha = 0;
    for (const w of words) {
      chars += w.length;
      if (/\p{L}/u.test(w)) alpha += 1;
    }
    const avg = chars / n;
    const minAvg = unspaced ? 1 : o.min_avg_word_length;
    const maxAvg = unspaced ? 5 : o.max_avg_word_length;
    if (minAvg !== null && avg < minAvg)
      return removed('quality:min_avg_word_length', `words are ${avg.toFixed(1)} characters long on average; the minimum is ${minAvg}`);
    if (maxAvg !== null && avg > maxAvg)
      return removed('quality:max_avg_word_length', `words are ${avg.toFixed(1)} characters long on average; the maximum is ${maxAvg}`);
    if (o.min_alpha_words_ratio !== null && alpha / n < o.min_alpha_words_ratio)
      return removed(
        'quality:min_alpha_words_ratio',
        `${percent(alpha / n)} of words${part} contain a letter; the minimum is ${percent(o.min_alpha_words_ratio)}`,
      );
    if (o.max_symbol_word_ratio !== null) {
      const hashes = (text.match(/#/g)?.length ?? 0) / n;
      if (hashes > o.max_symbol_word_ratio)
        return removed('quality:max_hash_ratio', `${percent(hashes)} '#' per word; the limit is ${percent(o.max_symbol_word_ratio)}`);
    }
    const stop = STOP_WORDS[language];
    if (o.min_stop_words !== null && stop) {
      const set = new Set(stop);
      const found = new Set<string>();
      for (const w of words) {
        const k = w.toLowerCase().replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
        if (set.has(k)) {
          found.add(k);
          if (found.size >= o.min_stop_words) break;
        }
      }
      if (found.size < o.min_stop_words)
        return removed(
          'quality:min_stop_words',
          `${found.size} of the common ${language} words (${stop.slice(0, 5).join(', ')} ...)${part}; the minimum is ${o.min_stop_words}`,
        );
    }
    return doc;
  },
};
