import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { LocalBlobStore } from '@1tt/blob-store';
import {
  REPORT_FORMAT,
  ReportWriter,
  isReportHeader,
  readReport,
  readReportPage,
  reportLineKey,
  type ReportLine,
} from '@1tt/dataset-processing';

/**
 * Issue #20, M5: "each report page re-reads the whole report (2.5 s per page
 * on a 1.19 M-document dataset)". Reports carry an index of blocks, so a
 * page reads about one block whatever its position; the pages are the same
 * as a full scan gives, with and without a reason filter, and a report
 * written before the index is still paged (by a scan).
 */
jest.setTimeout(120_000);

const DOCS = 20_000;
const REASONS = ['exact_duplicate', 'too_short', 'gopher_repetition'];

/** A deterministic report line: mostly kept, some removed, one rare reason. */
function line(index: number): ReportLine {
  if (index === 17_345) return { index, kept: false, tokens: 0, reason: 'rare_reason', detail: 'only one' };
  if (index % 3 === 0) return { index, kept: false, tokens: 0, reason: REASONS[index % REASONS.length] };
  return { index, kept: true, tokens: 100 + (index % 50), exactHash: index.toString(16).padStart(64, '0') };
}

describe('indexed report pages', () => {
  let dir: string;
  let blobs: LocalBlobStore;
  let bytesRead = 0;
  let ref: string;
  let size: number;
  let all: ReportLine[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), '1tt-report-index-'));
    blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    // Count the bytes every read takes from the store (the real store underneath).
    const getStream = blobs.getStream.bind(blobs);
    blobs.getStream = async (r, range) => {
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytesRead += chunk.length;
          cb(null, chunk);
        },
      });
      return (await getStream(r, range)).pipe(counter);
    };
    const w = await ReportWriter.open(
      { format: REPORT_FORMAT, datasetId: 'd1', pipeline: { name: 'p', version: '1', configHash: 'h' } },
      dir,
    );
    for (let i = 0; i < DOCS; i++) await w.write(line(i));
    const put = await w.store(blobs);
    ref = put.ref;
    size = put.sizeBytes;
    all = [];
    for await (const l of readReport(blobs, ref)) if (!isReportHeader(l)) all.push(l);
  });
  afterAll(async () => {
    await blobs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a full scan gives for a page. */
  function expected(after: number, limit: number, reason?: string): { lines: ReportLine[]; more: boolean } {
    const match = all.filter((l) => l.index > after && (reason === undefined || reportLineKey(l) === reason));
    return { lines: match.slice(0, limit), more: match.length > limit };
  }

  it('readReport still yields exactly the header and the lines (the index lines are not lines)', () => {
    expect(all).toHaveLength(DOCS);
    expect(all.map((l) => l.index)).toEqual(Array.from({ length: DOCS }, (_, i) => i));
  });

  it('a page near the end reads about one block, not the report; pages equal a full scan', async () => {
    for (const [after, limit, reason] of [
      [-1, 100, undefined],
      [1023, 100, undefined],
      [1000, 50, undefined],
      [19_950, 100, undefined],
      [18_000, 100, undefined],
      [DOCS - 1, 100, undefined],
      [-1, 1000, 'kept'],
      [15_000, 100, 'too_short'],
      [-1, 10, 'rare_reason'],
      [17_345, 10, 'rare_reason'],
      [-1, 10, 'no_such_reason'],
    ] as Array<[number, number, string | undefined]>) {
      await readReportPage(blobs, ref, { after: -1, limit: 1 }); // index cached, as for a reader paging on
      bytesRead = 0;
      const page = await readReportPage(blobs, ref, { after, limit, reason });
      expect(page).toEqual(expected(after, limit, reason));
      if (limit <= 100) expect(bytesRead).toBeLessThan(size / 8);
    }
  });

  it('a rare reason is found without reading the blocks that do not hold it', async () => {
    await readReportPage(blobs, ref, { after: -1, limit: 1 });
    bytesRead = 0;
    const page = await readReportPage(blobs, ref, { after: -1, limit: 10, reason: 'rare_reason' });
    expect(page.lines.map((l) => l.index)).toEqual([17_345]);
    expect(bytesRead).toBeLessThan(size / 8);
  });

  it('a report written before the index (no index lines) is paged by a scan, with the same pages', async () => {
    const old = [
      JSON.stringify({ format: REPORT_FORMAT, datasetId: 'd0', pipeline: { name: 'p', version: '1', configHash: 'h' } }),
      ...all.slice(0, 3000).map((l) => JSON.stringify(l)),
    ].join('\n');
    const put = await blobs.putBuffer(old + '\n');
    const page = await readReportPage(blobs, put.ref, { after: 2000, limit: 100, reason: 'kept' });
    const match = all.slice(0, 3000).filter((l) => l.index > 2000 && l.kept);
    expect(page).toEqual({ lines: match.slice(0, 100), more: true });
  });
});
