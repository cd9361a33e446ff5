import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createSecurityWorld, prose, waitDecided, type SecurityWorld } from './support/security-fixture';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
// Each fuzz case uploads and waits for the decision: on a loaded 2-core machine a whole property takes minutes (a limit, not a speed claim).
jest.setTimeout(300_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** One long string, dictionary-encoded, repeated `rows` times in one row group and one page (issue #20, C2). */
function dictionaryBomb(rows: number, entryBytes: number): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [{ name: 'text', data: Array<string>(rows).fill('x'.repeat(entryBytes)), type: 'STRING' }],
      rowGroupSize: rows,
      pageSize: 1024 ** 3,
    }),
  );
}

/**
 * Hostile uploads against the real app (issue #20): bodies that end in the
 * wrong place, files that expand, formats that lie about their size. Each
 * must be refused or rejected with a reason, and the process must keep
 * answering.
 */
describe(`hostile uploads (real app, embedded stores; fast-check seed ${SEED}, ${RUNS} runs)`, () => {
  let w: SecurityWorld;
  beforeAll(async () => {
    w = await createSecurityWorld({ env: { UPLOAD_MAX_BYTES: '8388608', UPLOAD_TIMEOUT_SECONDS: '2' } });
  });
  afterAll(async () => {
    await w?.t.close();
  });

  /** Sends raw bytes, returns what the server answered (possibly nothing, when it cut the connection). */
  function raw(bytes: string | Buffer, opts: { endAfterWrite?: boolean } = {}): Promise<string> {
    const url = new URL(w.t.baseUrl);
    return new Promise((resolve) => {
      let out = '';
      const s = net.connect(Number(url.port), url.hostname, () => {
        s.write(bytes);
        if (opts.endAfterWrite) s.end();
      });
      s.setEncoding('latin1');
      s.on('data', (d: string) => (out += d));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
      s.setTimeout(10_000, () => s.destroy());
    });
  }

  const multipartRequest = (body: string, key: string, boundary = 'BND') =>
    `POST /v1/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  describe('C1: a multipart body that ends inside a file part', () => {
    it('the exact reproduction from the issue is answered 400 problem+json, writes nothing, and the process keeps answering', async () => {
      const before = await w.head();
      const body = '--BND\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello';
      const answer = await raw(multipartRequest(body, w.contributor.apiKey));
      const status = Number(answer.split(' ')[1]);
      expect(status).toBe(400);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toContain('upload-truncated');
      expect(await w.head()).toBe(before);
      await w.t.http.get('/health').expect(200);
    });

    it.each([
      ['inside the file content', '--BND\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello world'],
      ['inside the part headers', '--BND\r\nContent-Disposition: form-data; name="file"; filen'],
      [
        'after a field, inside the file',
        '--BND\r\nContent-Disposition: form-data; name="textField"\r\n\r\ntext\r\n--BND\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n{"text":"x"}\r\n--BN',
      ],
      ['right after the file part headers', '--BND\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'],
    ])('ending %s: 4xx problem+json, nothing written, still answering', async (_what, body) => {
      const before = await w.head();
      const answer = await raw(multipartRequest(body, w.contributor.apiKey));
      const status = Number(answer.split(' ')[1]);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(await w.head()).toBe(before);
      await w.t.http.get('/health').expect(200);
    });
  });

  describe('C2: Parquet dictionary bombs', () => {
    it('a 60,000-row dictionary bomb (under 1 KB, 600 MB decoded) is rejected parquet_row_group_too_large without decoding it; /health answers meanwhile', async () => {
      const bomb = dictionaryBomb(60_000, 10_000);
      expect(bomb.length).toBeLessThan(4096);
      const res = await w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)).attach('file', bomb, 'bomb.parquet');
      expect(res.status).toBe(202);
      // A loose functional check, not a timing target (that is bench/hostile-uploads.bench.ts): the service answers.
      const t0 = Date.now();
      await w.t.http.get('/health').expect(200);
      expect(Date.now() - t0).toBeLessThan(5000);
      const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
      expect(view).toMatchObject({ status: 'rejected', rejectionReason: 'parquet_row_group_too_large' });
    });

    it(`fuzz: dictionary bombs of random shape are decided (accepted or rejected with a reason), never crash the service (${RUNS} runs)`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 20_000 }), async (rows, entryBytes) => {
          const bomb = dictionaryBomb(rows, entryBytes + (n++ % 7));
          const res = await w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)).attach('file', bomb, `fuzz-${n}.parquet`);
          if (res.status === 409) return; // an identical file was drawn twice
          expect(res.status).toBe(202);
          const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
          expect(['accepted', 'rejected']).toContain(view.status);
          if (rows * entryBytes > 512 * 1024 * 1024) expect(view.rejectionReason).toBe('parquet_row_group_too_large');
          await w.t.http.get('/health').expect(200);
        }),
        { numRuns: Math.max(3, Math.round(RUNS / 5)), seed: SEED },
      );
    });
  });

  describe('M6: very wide CSV rows', () => {
    /** A CSV whose text column is real prose and whose other columns are `columns - 1` cells of `cellBytes` each. */
    function wideCsv(seed: number, rows: number, columns: number, cellBytes: number): Buffer {
      const names = ['text', ...Array.from({ length: columns - 1 }, (_, i) => `c${i}`)].join(',');
      const cells = `,${'v'.repeat(cellBytes)}`.repeat(columns - 1);
      const lines = [names];
      for (let r = 0; r < rows; r++) lines.push(`"${prose(seed * 100 + r).replace(/"/g, '""')}"${cells}`);
      return Buffer.from(`${lines.join('\r\n')}\r\n`);
    }

    it('a 7 MB CSV of 2,000-column rows with a small text column is accepted; /health answers meanwhile', async () => {
      const csv = wideCsv(60_001, 3, 2000, 1200);
      expect(csv.length).toBeGreaterThan(7_000_000);
      const res = await w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)).attach('file', csv, 'wide.csv');
      expect(res.status).toBe(202);
      await w.t.http.get('/health').expect(200);
      const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
      expect(view).toMatchObject({ status: 'accepted', documentsIn: 3, documentsKept: 3 });
    });

    it('a header of 16,385 columns is rejected csv_too_many_columns', async () => {
      const res = await w.t.http
        .post('/v1/datasets')
        .set(w.t.auth(w.contributor.apiKey))
        .attach('file', wideCsv(60_002, 1, 16_385, 0), 'too-wide.csv');
      expect(res.status).toBe(202);
      const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
      expect(view).toMatchObject({ status: 'rejected', rejectionReason: 'csv_too_many_columns' });
    });

    it(`fuzz: wide CSV rows of random shape are accepted up to 16,384 columns and rejected csv_too_many_columns past it; the service keeps answering (${RUNS} runs)`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 24_000 }),
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 1, max: 4 }),
          async (columns, cell, rows) => {
            const cellBytes = Math.min(cell, Math.floor(6_000_000 / rows / columns));
            const csv = wideCsv(70_000 + n++, rows, columns, cellBytes);
            const res = await w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)).attach('file', csv, `wide-${n}.csv`);
            expect(res.status).toBe(202);
            const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
            if (columns > 16_384) expect(view).toMatchObject({ status: 'rejected', rejectionReason: 'csv_too_many_columns' });
            else expect(view).toMatchObject({ status: 'accepted', documentsIn: rows });
            await w.t.http.get('/health').expect(200);
          },
        ),
        { numRuns: Math.max(3, Math.round(RUNS / 5)), seed: SEED },
      );
    });
  });

  describe('fuzz: multipart truncation', () => {
    it(`a valid upload body cut at any byte is refused 4xx problem+json (or, cut after its closing boundary, accepted) and the service keeps answering (${RUNS} runs)`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), async (where, fieldFirst) => {
          const text = `${prose(20_000 + n++, 'GPL-2').slice(0, 3000)}\n`;
          const field = '--BND\r\nContent-Disposition: form-data; name="textField"\r\n\r\ntext\r\n';
          const file = `--BND\r\nContent-Disposition: form-data; name="file"; filename="cut-${n}.txt"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n`;
          const body = `${fieldFirst ? field + file : file + field}--BND--\r\n`;
          const cut = Math.floor(where * body.length);
          const before = await w.head();
          const answer = await raw(multipartRequest(body.slice(0, cut), w.contributor.apiKey));
          const status = Number(answer.split(' ')[1]);
          if (status === 202) {
            // Only a body that reached its closing boundary may be accepted; let its processing finish before the next run.
            expect(body.slice(0, cut)).toContain('--BND--');
            const datasetId = /"datasetId":"([^"]+)"/.exec(answer)?.[1];
            await waitDecided(w.t, w.contributor.apiKey, String(datasetId));
          } else {
            expect({ cut, length: body.length, status: status >= 400 && status < 500 ? '4xx' : status }).toEqual({
              cut,
              length: body.length,
              status: '4xx',
            });
            expect(answer).toMatch(/content-type: application\/problem\+json/i);
            expect(await w.head()).toBe(before);
          }
          await w.t.http.get('/health').expect(200);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  });

  describe('M3: the identical-file refusal', () => {
    it('says only that an identical file is in the pool: no time, no owner, no earlier id', async () => {
      const text = `${prose(31_337, 'Apache-2.0')}\n`;
      const first = await w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)).attach('file', Buffer.from(text), 'm3.txt');
      expect(first.status).toBe(202);
      await waitDecided(w.t, w.contributor.apiKey, first.body.datasetId);
      const again = await w.t.http
        .post('/v1/datasets')
        .set(w.t.auth(w.otherContributor.apiKey))
        .attach('file', Buffer.from(text), 'm3-copy.txt');
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe('An identical file (same SHA-256) is already in the pool');
      expect(again.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      expect(again.text).not.toContain(first.body.datasetId);
      expect(again.text).not.toContain(w.contributor.id);
      expect(again.body.context?.earlierUploadedAt).toBeUndefined();
    });
  });

  describe('M4: refused, aborted and timed-out uploads keep nothing', () => {
    const blobDir = () => path.join(w.t.dataDir, 'blobs');
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const openFds = () => fs.readdirSync('/proc/self/fd').length;
    /** Cleaning up after a cut connection takes a few ticks: wait (up to 5 s) for it, then the test checks. */
    const settle = async (fdsBefore: number, blobsBefore?: number) => {
      for (let i = 0; i < 100 && (openFds() > fdsBefore || (blobsBefore !== undefined && files(blobDir()).length > blobsBefore)); i++)
        await new Promise((r) => setTimeout(r, 50));
    };
    const part = (name: string, value: string) => `--BND\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const filePart = (content: string) =>
      `--BND\r\nContent-Disposition: form-data; name="file"; filename="m4.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`;

    it.each([
      ['a bad textField after the file', (c: string) => filePart(c) + part('textField', 'not a field!'), 400, 'dataset-invalid-text-field'],
      ['a bad kind after the file', (c: string) => filePart(c) + part('kind', 'gift'), 400, 'dataset-invalid-kind'],
      [
        'another contributorId after the file',
        (c: string) => filePart(c) + part('contributorId', 'someone-else'),
        403,
        'dataset-other-contributor',
      ],
      ['a bad kind before the file', (c: string) => part('kind', 'gift') + filePart(c), 400, 'dataset-invalid-kind'],
      ['another contributorId before the file', (c: string) => part('contributorId', 'x') + filePart(c), 403, 'dataset-other-contributor'],
    ])('%s: refused, and no blob, temporary file or descriptor is left', async (_what, build, status, code) => {
      const blobsBefore = files(blobDir()).length;
      const fdsBefore = openFds();
      const headBefore = await w.head();
      const body = `${build(`${prose(40_000 + status + code.length, 'GPL-3')}\n`)}--BND--\r\n`;
      const answer = await raw(multipartRequest(body, w.contributor.apiKey));
      expect(Number(answer.split(' ')[1])).toBe(status);
      expect(answer).toContain(code);
      await settle(fdsBefore);
      expect(files(blobDir()).length).toBe(blobsBefore);
      expect(openFds()).toBeLessThanOrEqual(fdsBefore);
      expect(await w.head()).toBe(headBefore);
    });

    it('an upload whose client goes away mid-file leaves no .part file and no open descriptor', async () => {
      const blobsBefore = files(blobDir()).length;
      const fdsBefore = openFds();
      const body = filePart(prose(41_000, 'GPL-2'));
      const url = new URL(w.t.baseUrl);
      await new Promise<void>((resolve) => {
        const s = net.connect(Number(url.port), url.hostname, () => {
          s.write(
            `POST /v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${w.contributor.apiKey}\r\nContent-Type: multipart/form-data; boundary=BND\r\nContent-Length: 10000000\r\n\r\n${body}`,
          );
          setTimeout(() => s.destroy(), 300);
        });
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
      await settle(fdsBefore, blobsBefore);
      expect(files(blobDir()).length).toBe(blobsBefore);
      expect(openFds()).toBeLessThanOrEqual(fdsBefore);
      await w.t.http.get('/health').expect(200);
    });

    it('an upload slower than UPLOAD_TIMEOUT_SECONDS is answered 408 problem+json upload-timeout (not a bare 408) and keeps nothing', async () => {
      const blobsBefore = files(blobDir()).length;
      const fdsBefore = openFds();
      const url = new URL(w.t.baseUrl);
      const answer = await new Promise<string>((resolve) => {
        let out = '';
        const s = net.connect(Number(url.port), url.hostname, () => {
          s.write(
            `POST /v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${w.contributor.apiKey}\r\nContent-Type: multipart/form-data; boundary=BND\r\nContent-Length: 10000000\r\n\r\n${filePart('slow ')}`,
          );
          const trickle = setInterval(() => s.write('word '), 200);
          s.on('close', () => clearInterval(trickle));
          setTimeout(() => s.destroy(), 8000);
        });
        s.setEncoding('latin1');
        s.on('data', (d: string) => {
          out += d;
          if (out.includes('}')) s.destroy();
        });
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
      });
      expect(Number(answer.split(' ')[1])).toBe(408);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toContain('upload-timeout');
      await settle(fdsBefore, blobsBefore);
      expect(files(blobDir()).length).toBe(blobsBefore);
      expect(openFds()).toBeLessThanOrEqual(fdsBefore);
    });
  });
});
