/**
 * Writes fixtures/process-document.golden.json from the current code:
 *   npx tsx test/preprocessing/write-golden.ts
 * Only for a deliberate change of results (with a bumped block or pipeline
 * version); a speed-up must leave the file as it is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processDocument, resolvePipeline } from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { GOLDEN_PIPELINES, goldenDocuments, goldenRecord } from './golden-corpus';

const docs = goldenDocuments();
const out: Record<string, unknown> = {};
for (const { label, config } of GOLDEN_PIPELINES) {
  const pipeline = resolvePipeline(config);
  const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
  out[label] = { configHash: pipeline.configHash, results: docs.map((d) => goldenRecord(processDocument(d, pipeline, tokenizer))) };
}
writeFileSync(join(__dirname, 'fixtures', 'process-document.golden.json'), `${JSON.stringify(out, null, 1)}\n`);
