import { type Block } from '../block';
import { resolveBlockOptions } from '../block-options';

export interface RemoveUnprintableOptions {
  /** Also drop Unicode format characters except ZWJ/ZWNJ (which emoji and some scripts need). */
  remove_format_chars: boolean;
}

// C0/C1 controls except tab, LF, CR; unpaired surrogates; BOM and the two noncharacters.
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const FORMAT = /(?![\u200c\u200d])\p{Cf}/gu;

export const removeUnprintableBlock: Block<RemoveUnprintableOptions> = {
  name: 'remove-unprintable',
  version: 1,
  description: 'Removes control characters (keeping tab and line breaks), unpaired surrogates, BOMs and noncharacters.',
  defaults: { remove_format_chars: false },
  resolveOptions(options, field) {
    return resolveBlockOptions(this.defaults, { remove_format_chars: 'boolean' }, options, field);
  },
  apply(doc, options) {
    let text = doc.text.replace(UNPRINTABLE, '');
    if (options.remove_format_chars) text = text.replace(FORMAT, '');
    return { ...doc, text };
  },
};
