import { Tiktoken } from 'js-tiktoken/lite';
import { loadRanksFile } from './tiktoken-ranks';
import { Tokenizer, type TokenizerEncoding } from './tokenizer.port';

/**
 * The reference: js-tiktoken itself, `encode(text, [], []).length`. Slow
 * (about 1-2 MB/s) and quadratic on long pieces; kept to prove the fast adapter
 * equal and to benchmark against, not for production counting.
 */
export class PlainTiktokenTokenizer extends Tokenizer {
  private readonly tiktoken: Tiktoken;
  constructor(readonly encoding: TokenizerEncoding) {
    super();
    this.tiktoken = new Tiktoken(loadRanksFile(encoding));
  }
  count(text: string): number {
    return this.tiktoken.encode(text, [], []).length;
  }
  encode(text: string): number[] {
    return this.tiktoken.encode(text, [], []);
  }
}
