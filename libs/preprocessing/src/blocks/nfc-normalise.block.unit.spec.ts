import { nfcNormaliseBlock } from '@1tt/preprocessing';
import { run, textOf } from './block-test-kit';

describe('nfc-normalise block', () => {
  it('composes a decomposed accent (NFC by default)', () => {
    expect(textOf(run(nfcNormaliseBlock, 'cafe\u0301'))).toBe('caf\u00e9');
  });
  it('leaves compatibility forms under NFC and folds them under NFKC', () => {
    expect(textOf(run(nfcNormaliseBlock, 'ﬁne ①'))).toBe('ﬁne ①');
    expect(textOf(run(nfcNormaliseBlock, 'ﬁne ①', { form: 'NFKC' }))).toBe('fine 1');
  });
  it('refuses an unknown form', () => {
    expect(() => nfcNormaliseBlock.resolveOptions({ form: 'NFD' }, 'o')).toThrow(/o.form/);
  });
});
