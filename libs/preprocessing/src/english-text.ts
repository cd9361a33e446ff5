import { SPACE, WORD, bmpClassOf, classAt, hasLetter, hasWordChar, isSurrogate } from './char-classes';

/**
 * Text measures shared by the quality blocks.
 *
 * datatrove splits words with NLTK's Treebank tokenizer and sentences with
 * Punkt; neither exists in JavaScript, so these are documented approximations:
 * - words: runs of letters/digits/marks, with inner apostrophes, hyphens and
 *   periods kept ("don't", "e-mail", "U.S", "3.14"), or "...", or any other
 *   single non-space character (punctuation is its own token, as in Treebank).
 *   Treebank splits "don't" into "do" + "n't"; we do not.
 * - sentences: a run ending in . ! ? (possibly followed by closing quotes or
 *   brackets) followed by whitespace, or the end of the text.
 * Lengths are UTF-16 code units (Python counts code points): they differ only
 * for astral characters and every ratio uses the same unit on both sides.
 */
// ' ’ - .
const isJoiner = (c: number) => c === 39 || c === 0x2019 || c === 45 || c === 46;
const classOfAt = (text: string, i: number): number => {
  const c = text.charCodeAt(i);
  return isSurrogate(c) ? classAt(text, i).cls : bmpClassOf(c);
};

/** Scans a text into words (see above); same tokens as the regex
 * /[\p{L}\p{N}\p{M}]+(?:['’\-.][\p{L}\p{N}\p{M}]+)*|\.\.\.|[^\s\p{L}\p{N}\p{M}]/gu, by table lookup. */
export function englishWords(text: string): readonly string[] {
  if (text === lastText) return lastWords;
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let cls: number;
    let width = 1;
    if (!isSurrogate(c)) cls = bmpClassOf(c);
    else ({ cls, width } = classAt(text, i));
    if (cls === SPACE) {
      i += width;
    } else if (cls === WORD) {
      const start = i;
      i = wordEnd(text, i);
      // Joiner followed by a word character continues the word.
      while (i + 1 < n && isJoiner(text.charCodeAt(i)) && classOfAt(text, i + 1) === WORD) i = wordEnd(text, i + 1);
      out.push(text.slice(start, i));
    } else if (c === 46 && text.startsWith('...', i)) {
      out.push('...');
      i += 3;
    } else {
      out.push(text.slice(i, i + width));
      i += width;
    }
  }
  // Several blocks ask for the words of the same text in a row.
  lastText = text;
  lastWords = Object.freeze(out);
  return lastWords;
}
let lastText: string | undefined;
let lastWords: readonly string[] = [];

function wordEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isSurrogate(c)) {
      if (bmpClassOf(c) !== WORD) return i;
      i += 1;
    } else {
      const k = classAt(text, i);
      if (k.cls !== WORD) return i;
      i += k.width;
    }
  }
  return i;
}

const SENTENCE_END = /[.!?]+["'”’)\]]*(?=\s|$)/gu;

export function countSentences(line: string): number {
  const trimmed = line.trim();
  if (trimmed === '') return 0;
  let n = 0;
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SENTENCE_END.exec(trimmed)) !== null) {
    n += 1;
    last = m.index + m[0].length;
  }
  // Trailing text without final punctuation is a sentence too (as Punkt gives it).
  if (trimmed.slice(last).trim() !== '') n += 1;
  return n;
}

/** Python's str.splitlines(): the same line breaks, no trailing empty line. */
// eslint-disable-next-line no-control-regex -- Python counts these separators as line breaks
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A word made only of punctuation/symbols (datatrove: every char in PUNCTUATION_SET). */
export function isSymbolWord(word: string): boolean {
  return !hasWordChar(word);
}

export function hasAlpha(word: string): boolean {
  return hasLetter(word);
}

export function countOccurrences(text: string, needle: string): number {
  let n = 0;
  let i = text.indexOf(needle);
  while (i !== -1) {
    n += 1;
    i = text.indexOf(needle, i + needle.length);
  }
  return n;
}
