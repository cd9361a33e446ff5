import { type Block } from '../block';
import { resolveBlockOptions } from '../block-options';

export interface NfcNormaliseOptions {
  form: 'NFC' | 'NFKC';
}

/** Unicode normalisation, so "é" precomposed and "e" + combining accent hash and count alike. */
export const nfcNormaliseBlock: Block<NfcNormaliseOptions> = {
  name: 'nfc-normalise',
  version: 1,
  description: 'Unicode normalisation (NFC by default; NFKC folds compatibility forms too).',
  defaults: { form: 'NFC' },
  resolveOptions(options, field) {
    return resolveBlockOptions(this.defaults, { form: { choice: ['NFC', 'NFKC'] } }, options, field);
  },
  apply(doc, options) {
    return { ...doc, text: doc.text.normalize(options.form) };
  },
};
