import { CachedTiktokenTokenizer, type CachedTiktokenOptions } from './cached-tiktoken.adapter';
import { Tokenizer, type TokenizerEncoding } from './tokenizer.port';

/** The production tokenizer for an encoding (the fast, exact adapter). */
export function createTokenizer(encoding: TokenizerEncoding = 'o200k_base', options?: CachedTiktokenOptions): Tokenizer {
  return new CachedTiktokenTokenizer(encoding, options);
}
