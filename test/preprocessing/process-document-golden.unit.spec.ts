import { processDocument, resolvePipeline } from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import golden from './fixtures/process-document.golden.json';
import { GOLDEN_PIPELINES, goldenDocuments, goldenRecord } from './golden-corpus';

/**
 * Locks every result of processDocument (kept or reason and detail, exact
 * hash, MinHash signature, tokens, cleaned text) on a fixed corpus, as
 * recorded by write-golden.ts. Results are paid on and re-verified by
 * `1tt dataset reprocess --verify`: a speed-up must not move any of them.
 */
const docs = goldenDocuments();
const recorded = golden as unknown as Record<string, { configHash: string; results: Array<Record<string, unknown>> }>;

describe('processDocument golden results', () => {
  it('has a corpus that reaches every stage', () => {
    expect(docs.length).toBeGreaterThan(70);
    const all = Object.values(recorded).flatMap((p) => p.results);
    expect(all.filter((r) => r.kept).length).toBeGreaterThan(50);
    expect(all.filter((r) => r.kept && r.signature !== null).length).toBeGreaterThan(20);
    const reasons = new Set(all.filter((r) => !r.kept).map((r) => r.reason));
    expect(reasons.size).toBeGreaterThan(15);
  });

  it.each(GOLDEN_PIPELINES.map((p) => [p.label, p.config] as const))(
    'gives the recorded result for every document (%s)',
    (label, config) => {
      const pipeline = resolvePipeline(config);
      expect(pipeline.configHash).toBe(recorded[label].configHash);
      const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
      const expected = recorded[label].results;
      expect(expected).toHaveLength(docs.length);
      const differing = docs.flatMap((d, index) => {
        const got = goldenRecord(processDocument(d, pipeline, tokenizer));
        return JSON.stringify(got) === JSON.stringify(expected[index]) ? [] : [{ index, got, expected: expected[index] }];
      });
      expect(differing).toEqual([]);
    },
  );
});
