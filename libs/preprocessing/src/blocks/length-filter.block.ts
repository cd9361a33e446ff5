import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';

export interface LengthFilterOptions {
  min_chars: number | null;
  max_chars: number | null;
  min_words: number | null;
  max_words: number | null;
}

/** Document length bounds; words are whitespace-separated. Null disables a bound. */
export const lengthFilterBlock: Block<LengthFilterOptions> = {
  name: 'length-filter',
  version: 1,
  description: 'Removes documents shorter or longer than the given characters or words.',
  defaults: { min_chars: null, max_chars: null, min_words: null, max_words: null },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      { min_chars: 'count', max_chars: 'count', min_words: 'count', max_words: 'count' },
      options,
      field,
    );
  },
  apply(doc, o) {
    const chars = doc.text.length;
    if (o.min_chars !== null && chars < o.min_chars) return removed('length:min_chars', `${chars} chars < ${o.min_chars}`);
    if (o.max_chars !== null && chars > o.max_chars) return removed('length:max_chars', `${chars} chars > ${o.max_chars}`);
    if (o.min_words !== null || o.max_words !== null) {
      const words = doc.text.split(/\s+/).filter((w) => w !== '').length;
      if (o.min_words !== null && words < o.min_words) return removed('length:min_words', `${words} words < ${o.min_words}`);
      if (o.max_words !== null && words > o.max_words) return removed('length:max_words', `${words} words > ${o.max_words}`);
    }
    return doc;
  },
};
