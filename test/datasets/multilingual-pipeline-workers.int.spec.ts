import { DocumentWorkerPool } from '@1tt/dataset-processing';
import { ENGLISH_PROSE_PIPELINE_V1, MULTILINGUAL_PIPELINE, resolvePipeline } from '@1tt/preprocessing';
import { licenseFile } from '../support/license-texts';

/**
 * Pipeline v2 (default-multilingual) on the worker threads that judge
 * uploads: each thread loads lid.176 itself, then routes documents by class
 * and language. German prose (removed by v1's English rules) is kept; junk is
 * still removed; v1's config hash is what it was before v2 existed.
 */
const GERMAN =
  'Die Bibliothek der Stadt wird im nächsten Jahr erweitert. Der Rat hat beschlossen, dass die alten Räume renoviert werden und ein neuer Lesesaal entsteht. ' +
  'Für die Kinder gibt es eine eigene Ecke mit Büchern und Spielen. Die Kosten werden von der Stadt und von einer Stiftung getragen, die seit vielen Jahren die Kultur in der Region unterstützt. ' +
  'Die Arbeiten beginnen im Frühjahr und sollen bis zum Herbst abgeschlossen sein. Alle Bürger sind eingeladen, ihre Wünsche für den neuen Lesesaal mitzuteilen.';

describe('multilingual pipeline (v2) on DocumentWorkerPool', () => {
  it('keeps German prose and a licence, removes junk; v1 still removes the German text', async () => {
    const v2 = resolvePipeline(MULTILINGUAL_PIPELINE);
    const v1 = resolvePipeline(ENGLISH_PROSE_PIPELINE_V1);
    const gpl = licenseFile('GPL-3');
    const spam = Array.from({ length: 80 }, (_, i) => ['billig', 'flug', 'hotel', 'angebot'][i % 4]).join(' ');
    const pool2 = DocumentWorkerPool.start({ pipeline: v2, size: 1 });
    const pool1 = DocumentWorkerPool.start({ pipeline: v1, size: 1 });
    try {
      const r2 = await pool2.process([GERMAN, gpl, spam]);
      expect(r2.map((r) => r.kept)).toEqual([true, true, false]);
      expect(r2[2]).toMatchObject({ kept: false, reason: 'junk:keyword_spam' });
      const r1 = await pool1.process([GERMAN]);
      expect(r1[0].kept).toBe(false);
    } finally {
      await pool2.close();
      await pool1.close();
    }
  }, 60_000);

  it('v1 keeps its config hash; v2 has its own', () => {
    // The hash recorded in every v1 result (test/preprocessing golden corpus pins the same value).
    expect(resolvePipeline(ENGLISH_PROSE_PIPELINE_V1).configHash.slice(0, 12)).toBe('87483ea3f083');
    expect(resolvePipeline(MULTILINGUAL_PIPELINE).configHash).not.toBe(resolvePipeline(ENGLISH_PROSE_PIPELINE_V1).configHash);
  });
});
