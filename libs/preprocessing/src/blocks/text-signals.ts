/**
 * Measures shared by the language- and class-aware blocks (pipeline v2).
 * Scripts are told apart by Unicode properties, never by an English list.
 */
export const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_CHARS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const LETTER_RUN = /[\p{L}\p{M}\p{N}]+(?:['’.-][\p{L}\p{M}\p{N}]+)*/gu;

/** Languages written without spaces between words: counted by characters (FineWeb-2 segments them; characters are the cheap stand-in). */
export const UNSPACED_LANGUAGES = new Set(['ja', 'zh', 'th', 'lo', 'km', 'my', 'wuu', 'yue']);

/**
 * Words for the quality rules: whitespace-separated tokens (the Gopher
 * paper's "words"), with CJK characters each counted as one word (for
 * unspaced languages).
 */
export function wordsOf(text: string, unspaced: boolean): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    if (unspaced && CJK_CHAR.test(raw)) {
      const cjk = raw.match(CJK_CHARS) ?? [];
      for (const c of cjk) out.push(c);
      const rest = raw.replace(CJK_CHARS, ' ').trim();
      if (rest !== '') for (const w of rest.split(/\s+/)) out.push(w);
    } else out.push(raw);
  }
  return out;
}

/** Runs of letters/digits (with inner ' ’ . -): the words used by the junk signals. */
export function letterWords(text: string): string[] {
  return text.match(LETTER_RUN) ?? [];
}

export function cjkCharCount(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(CJK_CHARS)) n += 1;
  return n;
}

export const percent = (x: number): string => `${Math.round(x * 100)} %`;
