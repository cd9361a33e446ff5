import {
  ENGLISH_PROSE_PIPELINE_V1,
  type DocumentResult,
  InMemoryDedupIndex,
  configHash,
  decideDataset,
  exactJaccard,
  lshCandidateProbability,
  processDocument,
  resolvePipeline,
  shingleHashes,
} from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { ValidationError } from '@1tt/domain-errors';
import { licenseFile } from '../../../test/support/license-texts';

const pipeline = resolvePipeline(ENGLISH_PROSE_PIPELINE_V1);
const tokenizer = createTokenizer('o200k_base');
const near = pipeline.dedup.near as Exclude<typeof pipeline.dedup.near, false>;
const alice = { kind: 'contribution' as const, contributorId: 'alice' };
const bob = { kind: 'contribution' as const, contributorId: 'bob' };
const consumer = { kind: 'reference' as const, consumerId: 'acme' };

/** A deterministic ~500-word English text (seeded), passing the default filters. */
function essay(seed: number, words = 500): string {
  const vocab =
    'the of and to in that with have for on as by from at this which were their about would there been when more time people also could other into these first after years most made many where some such through while state world because should between those under since being both during each life great without often under public place point fact same power general however home service right form family order later young business system area several local city water important thing within court among large history'.split(
      ' ',
    );
  let x = seed >>> 0;
  const out: string[] = [];
  let sentence: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    sentence.push(vocab[(x >>> 8) % vocab.length]);
    if (sentence.length >= 8 + (x % 7)) {
      const s = sentence.join(' ');
      out.push(s[0].toUpperCase() + s.slice(1) + '.');
      sentence = [];
    }
  }
  if (sentence.length) out.push(sentence.join(' ') + '.');
  return out.join(' ');
}

function edit(text: string, changes: number): string {
  const w = text.split(' ');
  for (let k = 1; k <= changes; k++) w[Math.floor((k * w.length) / (changes + 1))] = `zebra${k}`;
  return w.join(' ');
}

const proc = (texts: string[]): DocumentResult[] => texts.map((t) => processDocument(t, pipeline, tokenizer));

describe('pipeline config', () => {
  it('hashes the resolved config: defaults spelled out or omitted give the same hash, a change gives another', () => {
    const explicit = {
      ...ENGLISH_PROSE_PIPELINE_V1,
      blocks: ENGLISH_PROSE_PIPELINE_V1.blocks.map((b) =>
        b.block === 'gopher-quality' ? { block: b.block, options: { min_doc_words: 50 } } : b,
      ),
    };
    expect(configHash(explicit)).toBe(pipeline.configHash);
    const other = { ...ENGLISH_PROSE_PIPELINE_V1, tokenizer: { encoding: 'cl100k_base' } };
    expect(configHash(other)).not.toBe(pipeline.configHash);
    expect(pipeline.configHash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses unknown blocks, bad options and an LSH shape that does not multiply out, naming the field', () => {
    const bad = (c: unknown, field: string) => {
      try {
        resolvePipeline(c);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe(field);
      }
    };
    bad({ ...ENGLISH_PROSE_PIPELINE_V1, blocks: [{ block: 'nope' }] }, 'pipeline.blocks[0].block');
    bad(
      { ...ENGLISH_PROSE_PIPELINE_V1, blocks: [{ block: 'gopher-quality', options: { min_doc_words: 'x' } }] },
      'pipeline.blocks[0].options.min_doc_words',
    );
    bad({ ...ENGLISH_PROSE_PIPELINE_V1, dedup: { exact: true, near: { ...near, bands: 19 } } }, 'pipeline.dedup.near.numPerm');
    bad({ ...ENGLISH_PROSE_PIPELINE_V1, tokenizer: { encoding: 'gpt2' } }, 'pipeline.tokenizer.encoding');
  });
  it('documents an S-curve with >= 98% recall at the 0.75 verification threshold', () => {
    expect(near).toMatchObject({ shingle: 5, numPerm: 120, bands: 20, rows: 6, threshold: 0.75 });
    expect(lshCandidateProbability(0.75, 20, 6)).toBeGreaterThan(0.98);
    expect(lshCandidateProbability(0.3, 20, 6)).toBeLessThan(0.02);
  });
});

describe('decideDataset', () => {
  const base = essay(1);

  it('a 500-word essay passes the default filters', () => {
    const [r] = proc([base]);
    expect(r.kept).toBe(true);
  });

  it('finds exact copies (case/spacing differences), near copies (3 words changed) and keeps unrelated texts', () => {
    const index = new InMemoryDedupIndex(near);
    const first = decideDataset({ datasetId: 'd1', owner: alice }, proc([base, essay(2)]), index, pipeline);
    expect(first.summary).toMatchObject({ documentsIn: 2, documentsKept: 2, duplicatesOfEarlier: 0 });
    const edited = edit(base, 3);
    const j = exactJaccard(shingleHashes(base, 5, near.seed), shingleHashes(edited, 5, near.seed));
    expect(j).toBeGreaterThan(0.9);
    const second = decideDataset(
      { datasetId: 'd2', owner: bob },
      proc([base.replace(/ /g, '  ').replace(/^\w+/, (w) => w.toUpperCase()), edited, essay(3)]),
      index,
      pipeline,
    );
    expect(second.outcomes.map((o) => (o.kept ? 'kept' : o.reason))).toEqual(['exact_duplicate', 'near_duplicate', 'kept']);
    expect(second.outcomes[0]).toMatchObject({ duplicateOf: { datasetId: 'd1', documentIndex: 0, sameDataset: false } });
    expect(second.summary).toMatchObject({
      documentsIn: 3,
      documentsKept: 1,
      duplicatesOfEarlier: 2,
      removed: { exact_duplicate: 1, near_duplicate: 1 },
    });
  });

  it('dedups within one dataset: the earlier index wins', () => {
    const index = new InMemoryDedupIndex(near);
    const d = decideDataset({ datasetId: 'd1', owner: alice }, proc([base, essay(5), base]), index, pipeline);
    expect(d.outcomes[2]).toMatchObject({
      kept: false,
      reason: 'exact_duplicate',
      duplicateOf: { datasetId: 'd1', documentIndex: 0, sameDataset: true },
    });
    expect(d.summary).toMatchObject({ duplicatesWithinDataset: 1, duplicatesOfEarlier: 0, documentsKept: 2 });
  });

  it("classifies copies of the consumer's reference corpus as already held by the consumer", () => {
    const index = new InMemoryDedupIndex(near);
    decideDataset({ datasetId: 'ref', owner: consumer }, proc([base]), index, pipeline);
    const d = decideDataset({ datasetId: 'd1', owner: alice }, proc([base, edit(base, 2)]), index, pipeline);
    expect(d.outcomes.map((o) => (o.kept ? 'kept' : o.reason))).toEqual(['already_held_by_consumer', 'already_held_by_consumer']);
    expect(d.summary.duplicatesOfEarlier).toBe(0);
  });

  it('after a withdrawal the withdrawn documents no longer block later uploads; earlier verdicts are untouched', () => {
    const index = new InMemoryDedupIndex(near);
    decideDataset({ datasetId: 'd1', owner: alice }, proc([base]), index, pipeline);
    const judged = decideDataset({ datasetId: 'd2', owner: bob }, proc([base]), index, pipeline);
    expect(judged.summary.documentsKept).toBe(0);
    expect(index.removeDataset('d1')).toBe(1);
    const later = decideDataset({ datasetId: 'd3', owner: bob }, proc([base]), index, pipeline);
    expect(later.summary.documentsKept).toBe(1);
    expect(judged.summary.documentsKept).toBe(0);
  });

  it('is deterministic: same inputs twice give deep-equal outcomes and the same manifest root; the index answers for what it was given', () => {
    const texts = [base, essay(7), edit(base, 1), '', 'too short', essay(8)];
    const runOnce = () => {
      const index = new InMemoryDedupIndex(near);
      const a = decideDataset({ datasetId: 'd1', owner: alice }, proc(texts), index, pipeline);
      const b = decideDataset({ datasetId: 'd2', owner: bob }, proc([essay(8), essay(9)]), index, pipeline);
      return { a, b, index };
    };
    const one = runOnce();
    const two = runOnce();
    expect({ a: two.a, b: two.b }).toEqual({ a: one.a, b: one.b });
    expect(one.a.summary.manifestRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(one.a.summary.manifestRoot).not.toBe(one.b.summary.manifestRoot);
    expect(one.a.summary.removed).toEqual({ empty: 1, 'gopher_repetition:top_2_gram': 1, near_duplicate: 1 });
    const again = decideDataset({ datasetId: 'd3', owner: bob }, proc([essay(9)]), one.index, pipeline);
    expect(again.outcomes[0]).toMatchObject({ reason: 'exact_duplicate', duplicateOf: { datasetId: 'd2', documentIndex: 1 } });
    expect(one.a.summary.tokens).toBe(one.a.outcomes.reduce((n, o) => n + (o.kept ? o.tokens : 0), 0));
  });

  it('removes a hostile 1 MB one-letter document as too_long_word', () => {
    const [r] = proc(['a'.repeat(1 << 20)]);
    expect(r).toMatchObject({ kept: false, reason: 'too_long_word' });
  });
});

describe('real Debian text: /usr/share/common-licenses', () => {
  const lic = licenseFile;
  const gpl3 = lic('GPL-3');
  const editedGpl3 = gpl3
    .replace('Everyone is permitted', 'Anyone is allowed')
    .replace('free software', 'libre software')
    .replace('copyleft', 'share-alike');

  it('finds the copies and near copies and nothing else', () => {
    const index = new InMemoryDedupIndex(near);
    const first = decideDataset(
      { datasetId: 'licenses', owner: alice },
      proc(['GPL-2', 'GPL-3', 'LGPL-2.1', 'Apache-2.0', 'Artistic'].map(lic)),
      index,
      pipeline,
    );
    expect(first.outcomes.every((o) => o.kept)).toBe(true);
    const second = decideDataset(
      { datasetId: 'copies', owner: bob },
      proc([gpl3, editedGpl3, lic('LGPL-3'), lic('GFDL-1.3')]),
      index,
      pipeline,
    );
    expect(second.outcomes.map((o) => (o.kept ? 'kept' : o.reason))).toEqual(['exact_duplicate', 'near_duplicate', 'kept', 'kept']);
  });

  it('measures GPL-2 vs GPL-3 and LGPL-2.1 vs GPL-2 well below the threshold (not duplicates)', () => {
    const [g2, g3, l21] = proc([lic('GPL-2'), gpl3, lic('LGPL-2.1')]) as Array<Extract<DocumentResult, { kept: true }>>;
    const sh = (r: { cleanedText: string }) => shingleHashes(r.cleanedText, 5, near.seed);
    const j23 = exactJaccard(sh(g2), sh(g3));
    const j2l = exactJaccard(sh(g2), sh(l21));
    expect(j23).toBeGreaterThan(0.05);
    expect(j23).toBeLessThan(0.3);
    expect(j2l).toBeGreaterThan(0.2);
    expect(j2l).toBeLessThan(0.5);
  });
});
