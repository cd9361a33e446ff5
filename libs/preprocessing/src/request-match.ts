/**
 * Does a document's text answer a data request (issue #15)? The textual
 * half of the match; language and class are checked against the document's
 * labels by the judge. docs/DATA-REQUESTS.md:
 *  - keywords: one of them occurs as a whole word (not inside a longer
 *    word of letters or digits), case-insensitive, in the text as uploaded;
 *  - sampleText: the cosine similarity of the sets of lower-cased words of
 *    at least 4 letters or digits (short words are mostly function words:
 *    "the", "und", "les") of the text and of the sample is at least
 *    SAMPLE_SIMILARITY_THRESHOLD (0.3) — |A ∩ B| / √(|A|·|B|);
 *  - both given: either suffices; neither: every document matches.
 * Pure and deterministic (no locale, no randomness), so a reprocess gives
 * the same answer.
 */
export const SAMPLE_SIMILARITY_THRESHOLD = 0.3;

export interface RequestTextCriteria {
  keywords: readonly string[];
  sampleText: string | null;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Each distinct word of at least 4 code points, counted once. */
function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.toLowerCase().matchAll(WORD)) if ([...m[0]].length >= 4) counts.set(m[0], 1);
  return counts;
}

/** Cosine similarity of two word-count vectors, in [0, 1]. */
export function wordCosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, n] of a) {
    na += n * n;
    const m = b.get(w);
    if (m !== undefined) dot += n * m;
  }
  for (const n of b.values()) nb += n * n;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function requestTextMatcher(criteria: RequestTextCriteria): (text: string) => boolean {
  const keywords = criteria.keywords.map((k) => k.trim().toLowerCase()).filter((k) => k.length > 0);
  const sample = criteria.sampleText ? wordCounts(criteria.sampleText) : undefined;
  if (keywords.length === 0 && !sample) return () => true;
  const keywordRe = keywords.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${keywords.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'iu')
    : undefined;
  return (text: string) =>
    (keywordRe !== undefined && keywordRe.test(text)) ||
    (sample !== undefined && wordCosine(wordCounts(text), sample) >= SAMPLE_SIMILARITY_THRESHOLD);
}
