import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DocumentResult } from '@1tt/preprocessing';
import { AnalysisSpill } from './dataset-analysis';

describe('AnalysisSpill (a real temp file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), '1tt-spill-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back every result in order, signatures bit for bit, in chunks of the asked size', async () => {
    const sig = Uint32Array.from({ length: 120 }, (_, i) => (i * 2654435761) >>> 0);
    const results: DocumentResult[] = [];
    for (let i = 0; i < 1001; i++) {
      if (i % 3 === 0)
        results.push({
          kept: true,
          cleanedText: '',
          exactHash: `h${i}`,
          tokens: i,
          chars: 2 * i,
          signature: i % 2 ? sig.map((x) => x ^ i) : null,
        });
      else if (i % 3 === 1) results.push({ kept: false, reason: 'too_short', detail: `at line ${i}` });
      else results.push({ kept: false, reason: 'gopher_quality', block: 'gopher-quality' });
    }
    const spill = await AnalysisSpill.create(dir);
    await spill.write(results.slice(0, 500));
    await spill.write(results.slice(500));
    await spill.finish();
    const back: DocumentResult[] = [];
    const sizes: number[] = [];
    for await (const chunk of spill.read(300)) {
      sizes.push(chunk.length);
      back.push(...chunk);
    }
    expect(sizes).toEqual([300, 300, 300, 101]);
    expect(back).toEqual(results);
    await spill.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('sweeps the spills and half-written reports of processes that are gone, never a live process\u2019s or anything else', async () => {
    const dead = path.join(dir, '1tt-analysis-999999999-abc');
    const deadReport = path.join(dir, '1tt-report-999999998-abc');
    const mine = path.join(dir, `1tt-analysis-${process.pid}-abc`);
    const myReport = path.join(dir, `1tt-report-${process.pid}-abc`);
    const alive = path.join(dir, '1tt-analysis-1-abc');
    const other = path.join(dir, '1tt-report-abc');
    const unrelated = path.join(dir, 'blobs-999999999-x');
    const all = [dead, deadReport, mine, myReport, alive, other, unrelated];
    for (const d of all) mkdirSync(d);
    expect(await AnalysisSpill.sweepOrphans(dir)).toBe(2);
    expect(all.map((d) => existsSync(d))).toEqual([false, false, true, true, true, true, true]);
  });
});
