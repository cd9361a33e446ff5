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
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’\-.][\p{L}\p{N}\p{M}]+)*|\.\.\.|[^\s\p{L}\p{N}\p{M}]/gu;

export function englishWords(text: string): string[] {
  return text.match(WORD) ?? [];
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
  return !/[\p{L}\p{N}\p{M}]/u.test(word);
}

export function hasAlpha(word: string): boolean {
  return /\p{L}/u.test(word);
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
