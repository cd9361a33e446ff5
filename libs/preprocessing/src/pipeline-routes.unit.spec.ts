import { MULTILINGUAL_PIPELINE, processDocument, resolvePipeline } from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';

describe('routed pipeline config (v2)', () => {
  it('resolves the default-multilingual pipeline with every route pinned', () => {
    const p = resolvePipeline(MULTILINGUAL_PIPELINE);
    expect(p.version).toBe('2');
    expect(p.routes!.map((r) => r.name)).toEqual(['prose-en', 'prose', 'markdown-reference', 'code']);
    expect(p.routes!.every((r) => r.blocks.every((b) => b.version >= 1))).toBe(true);
  });

  it('refuses a routed pipeline that leaves a class without a catch-all route, naming the field', () => {
    const routes = MULTILINGUAL_PIPELINE.routes!.filter((r) => r.name !== 'code');
    expect(() => resolvePipeline({ ...MULTILINGUAL_PIPELINE, routes })).toThrow(/no route takes code documents/);
    expect(() => resolvePipeline({ ...MULTILINGUAL_PIPELINE, languageId: undefined })).toThrow(/pipeline.languageId/);
  });

  it('processDocument refuses a routed pipeline without a language identifier', () => {
    const p = resolvePipeline(MULTILINGUAL_PIPELINE);
    expect(() => processDocument('some text', p, createTokenizer(p.tokenizer.encoding))).toThrow(/routes by language/);
  });

  it('routes by class and language with a given identifier, and records the labels', () => {
    const p = resolvePipeline(MULTILINGUAL_PIPELINE);
    const fixed = { model: 'fixed', identify: () => ({ language: 'de', score: 0.9 }) };
    const r = processDocument(
      'x = 1\n'.repeat(3) + 'def f(a):\n    return a\n'.repeat(10),
      p,
      createTokenizer(p.tokenizer.encoding),
      undefined,
      {
        name: 'f.py',
        languageIdentifier: fixed,
      },
    );
    expect(r.labels).toEqual({ language: 'zxx', languageScore: 1, contentClass: 'code', route: 'code' });
  });
});
