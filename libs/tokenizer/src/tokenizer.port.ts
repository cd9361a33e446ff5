/** The encodings the platform counts with (js-tiktoken names). */
export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';
export const TOKENIZER_ENCODINGS: readonly TokenizerEncoding[] = ['o200k_base', 'cl100k_base'];

/**
 * Port: counts the tokens of a text. Contributors are paid per token, so every
 * adapter must give exactly the count of js-tiktoken's
 * `encode(text, [], []).length` for its encoding: special-token strings such as
 * "<|endoftext|>" inside contributed text are ordinary text. (Plain
 * `encode(text)` throws on them instead, which would let one document stop a
 * whole dataset.) Used as a Nest DI token, hence an abstract class.
 */
export abstract class Tokenizer {
  abstract readonly encoding: TokenizerEncoding;
  abstract count(text: string): number;
}
