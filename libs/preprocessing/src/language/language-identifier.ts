/**
 * Language identification port. processDocument takes one (like the token
 * counter) so the domain lib does not load a model itself; the lid.176 adapter
 * (./lid176.adapter.ts) implements it. identify() must be synchronous, pure and
 * deterministic: same text, same answer.
 */
export interface LanguageGuess {
  /** ISO 639-1 where one exists, else ISO 639-3 (e.g. 'en', 'de', 'ceb'); 'und' when nothing could be identified. */
  readonly language: string;
  /** The model's probability of that label, rounded to 3 decimals (recorded, so it must be stable). */
  readonly score: number;
}

export interface LanguageIdentifier {
  /** Model name and version, part of the pipeline result (e.g. 'lid.176.ftz'). */
  readonly model: string;
  identify(text: string): LanguageGuess;
}

/**
 * The text lid.176 sees: line breaks as spaces (fastText predicts one line),
 * at most `maxChars` characters cut at a space. datatrove gives the model the
 * whole document; a prefix is used here because the WebAssembly build costs
 * ≈ 0.25 µs a character plus ≈ 120 µs a call (measured: 2.4 MB/s on whole
 * documents, the pipeline's budget is 7 MB/s), and a few hundred words are
 * enough for a confident guess on one-language documents.
 */
export function lidSample(text: string, maxChars: number): string {
  let s = text.length > maxChars * 2 ? text.slice(0, maxChars * 2) : text;
  s = s.replace(/\s+/g, ' ').trim();
  if (s.length <= maxChars) return s;
  const cut = s.lastIndexOf(' ', maxChars);
  return s.slice(0, cut > maxChars / 2 ? cut : maxChars);
}
