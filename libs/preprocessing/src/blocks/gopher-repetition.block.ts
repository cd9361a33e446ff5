import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { englishWords } from '../english-text';

/**
 * Gopher repetition rules (Rae et al. 2021, table A1), with datatrove's
 * defaults, rules and order:
 * huggingface/datatrove src/datatrove/pipeline/filters/gopher_repetition_filter.py
 * (read at commit a649de79c14a550dc90f48a15c025f2dd3fd3b57).
 * As there: paragraphs split on 2+ newlines after trimming, lines on 1+
 * newlines; the "top n-gram" is the most frequent one (first seen on a tie),
 * whatever its count; duplicated n-grams are counted without overlap, joined
 * without spaces; every fraction is over the document's characters.
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

/*
 * n-grams are compared by a 64-bit key without building n-gram strings: two
 * polynomial hashes modulo 2^32 (Math.imul, two odd bases) of the n-gram's
 * text, joined by " " for the top n-gram and by "" for duplicated n-grams
 * exactly as datatrove joins them, read off prefix hashes in O(1) per n-gram,
 * counted in an open-addressing table (no allocation per n-gram). Different
 * n-grams are confused only on a collision of both hashes; natural text does
 * not produce one, and a crafted collision can only make a document look more
 * repetitive (i.e. hurt its own author). For the spaced form each word is
 * hashed followed by one space: appending the same character to both sides
 * keeps equality exact.
 */
const B1 = 0x01000193;
const B2 = 0x5bd1e995;

interface PrefixHashes {
  /** Hashes of the concatenation of words [0, i), for i = 0..n. */
  h1: Int32Array;
  h2: Int32Array;
  /** Character offset of word i in that concatenation. */
  at: Int32Array;
  /** B^k mod 2^32, for k = 0..total characters. */
  pow1: Int32Array;
  pow2: Int32Array;
}

function prefixHashes(words: readonly string[], spaced: boolean): PrefixHashes {
  const n = words.length;
  const h1 = new Int32Array(n + 1);
  const h2 = new Int32Array(n + 1);
  const at = new Int32Array(n + 1);
  let a = 0;
  let b = 0;
  let chars = 0;
  for (let w = 0; w < n; w++) {
    const s = words[w];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = (Math.imul(a, B1) + c) | 0;
      b = (Math.imul(b, B2) + c) | 0;
    }
    chars += s.length;
    if (spaced) {
      a = (Math.imul(a, B1) + 32) | 0;
      b = (Math.imul(b, B2) + 32) | 0;
      chars += 1;
    }
    h1[w + 1] = a;
    h2[w + 1] = b;
    at[w + 1] = chars;
  }
  const pow1 = new Int32Array(chars + 1);
  const pow2 = new Int32Array(chars + 1);
  pow1[0] = 1;
  pow2[0] = 1;
  for (let k = 1; k <= chars; k++) {
    pow1[k] = Math.imul(pow1[k - 1], B1);
    pow2[k] = Math.imul(pow2[k - 1], B2);
  }
  return { h1, h2, at, pow1, pow2 };
}

/** Counts of 64-bit keys (two int32 halves) in an open-addressing table. */
class KeyCounter {
  private readonly k1: Int32Array;
  private readonly k2: Int32Array;
  private readonly counts: Int32Array;
  private readonly mask: number;
  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.k1 = new Int32Array(cap);
    this.k2 = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }
  /** Adds one occurrence; returns the count before it. */
  add(a: number, b: number): number {
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const c = this.counts[i];
      if (c === 0) {
        this.k1[i] = a;
        this.k2[i] = b;
        this.counts[i] = 1;
        return 0;
      }
      if (this.k1[i] === a && this.k2[i] === b) {
        this.counts[i] = c + 1;
        return c;
      }
      i = (i + 1) & this.mask;
    }
  }
}

function topNGramChars(p: PrefixHashes, count: number, n: number): number {
  const counter = new KeyCounter(count);
  let bestLen = 0;
  let bestCount = 0;
  for (let i = 0; i + n <= count; i++) {
    const span = p.at[i + n] - p.at[i];
    const c = counter.add((p.h1[i + n] - Math.imul(p.h1[i], p.pow1[span])) | 0, (p.h2[i + n] - Math.imul(p.h2[i], p.pow2[span])) | 0) + 1;
    if (c > bestCount) {
      // Strictly greater: on a tie the n-gram that reached the count first stays,
      // which is the first-inserted one among the most frequent (Counter.most_common(1)).
      bestLen = span - 1; // without the trailing space
      bestCount = c;
    }
  }
  return bestLen * bestCount;
}

function duplicatedNGramChars(p: PrefixHashes, count: number, n: number): number {
  const seen = new KeyCounter(count);
  let repeated = 0;
  let i = 0;
  while (i < count - n + 1) {
    const span = p.at[i + n] - p.at[i];
    if (seen.add((p.h1[i + n] - Math.imul(p.h1[i], p.pow1[span])) | 0, (p.h2[i + n] - Math.imul(p.h2[i], p.pow2[span])) | 0) > 0) {
      repeated += span;
      i += n;
    } else {
      i += 1;
    }
  }
  return repeated;
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
      { dup_line_frac: 'ratio', dup_para_frac: 'ratio', dup_line_char_frac: 'ratio', dup_para_char_frac: 'ratio', top_n_grams: 'ngram-fractions', dup_n_grams: 'ngram-fractions' },
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
      return removed('gopher_repetition:dup_para_frac', `${frac(paras.elements / paragraphs.length)} of paragraphs repeat > ${o.dup_para_frac}`);
    if (o.dup_para_char_frac && paras.chars / len > o.dup_para_char_frac)
      return removed('gopher_repetition:dup_para_char_frac', `${frac(paras.chars / len)} of chars in repeated paragraphs > ${o.dup_para_char_frac}`);

    const lines = text.split(/\n+/);
    const ls = findDuplicates(lines);
    if (o.dup_line_frac && ls.elements / lines.length > o.dup_line_frac)
      return removed('gopher_repetition:dup_line_frac', `${frac(ls.elements / lines.length)} of lines repeat > ${o.dup_line_frac}`);
    if (o.dup_line_char_frac && ls.chars / len > o.dup_line_char_frac)
      return removed('gopher_repetition:dup_line_char_frac', `${frac(ls.chars / len)} of chars in repeated lines > ${o.dup_line_char_frac}`);

    const words = englishWords(text);
    const spaced = o.top_n_grams.length > 0 ? prefixHashes(words, true) : undefined;
    for (const [n, limit] of o.top_n_grams) {
      if (words.length < n) continue;
      const share = topNGramChars(spaced!, words.length, n) / len;
      if (share > limit) return removed(`gopher_repetition:top_${n}_gram`, `top ${n}-gram covers ${frac(share)} of chars > ${limit}`);
    }
    const joined = o.dup_n_grams.length > 0 ? prefixHashes(words, false) : undefined;
    for (const [n, limit] of o.dup_n_grams) {
      const share = duplicatedNGramChars(joined!, words.length, n) / len;
      if (share > limit) return removed(`gopher_repetition:duplicated_${n}_n_grams`, `repeated ${n}-grams cover ${frac(share)} of chars > ${limit}`);
    }
    return doc;
  },
};
