import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  DatasetDocument,
  DatasetFormatError,
  detectFormat,
  readDocuments,
  ReadOptions,
  ReadSummary,
  RejectionReason,
} from '@1tt/dataset-formats';

const ZSTD = '/usr/bin/zstd';
const hasZstd = existsSync(ZSTD);

function zstd(data: Buffer, args: string[] = []): Buffer {
  const r = spawnSync(ZSTD, ['-q', '-c', ...args], { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
  return r.stdout;
}

/** The bytes as a stream cut into chunks of `size` bytes (to exercise chunk boundaries). */
function chunked(data: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

interface Read {
  docs: DatasetDocument[];
  summary: ReadSummary;
}

async function read(
  fileName: string,
  data: Buffer,
  opts: ReadOptions & { textField?: string; chunk?: number; path?: string } = {},
): Promise<Read> {
  const { textField, chunk, path: p, ...limits } = opts;
  const reader = readDocuments({ fileName, textField, path: p, open: () => chunked(data, chunk ?? 64 * 1024) }, limits);
  const docs: DatasetDocument[] = [];
  for await (const d of reader) docs.push(d);
  return { docs, summary: reader.summary };
}

async function rejection(fileName: string, data: Buffer, opts: Parameters<typeof read>[2] = {}): Promise<DatasetFormatError> {
  const err = await read(fileName, data, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DatasetFormatError)) throw new Error(`expected a DatasetFormatError, got ${String(err)}`);
  return err;
}

function parquet(texts: (string | null)[], opts: { column?: string; rowGroupSize?: number } = {}): Buffer {
  const ab = parquetWriteBuffer({
    columnData: [
      { name: opts.column ?? 'text', data: texts, type: 'STRING', nullable: true },
      { name: 'id', data: texts.map((_, i) => i), type: 'INT32' },
    ],
    rowGroupSize: opts.rowGroupSize ?? 2,
  });
  return Buffer.from(ab);
}

const TEXTS = [
  'First document, line one.\nStill the first.',
  'Zweites Dokument — mit Umlauten: äöü ß, and 日本語.',
  'Third, with "quotes", commas\nand a line break.',
];

const plain: Record<string, () => Buffer> = {
  txt: () => Buffer.from(`${TEXTS.join('\n\n\n')}\n`),
  jsonl: () => Buffer.from(TEXTS.map((t, i) => JSON.stringify({ id: i, text: t })).join('\n') + '\n'),
  csv: () => Buffer.from('id,text\r\n' + TEXTS.map((t, i) => `${i},"${t.replace(/"/g, '""')}"`).join('\r\n') + '\r\n'),
  parquet: () => parquet(TEXTS),
};

describe('detectFormat', () => {
  it.each([
    ['a.txt', 'txt', 'none'],
    ['README.md', 'markdown', 'none'],
    ['notes.markdown.gz', 'markdown', 'gzip'],
    ['a.JSONL.GZ', 'jsonl', 'gzip'],
    ['dir/a.b.csv.zst', 'csv', 'zstd'],
    ['x.parquet', 'parquet', 'none'],
    ['x.parquet.gz', 'parquet', 'gzip'],
  ])('%s → %s / %s', (name, format, compression) => {
    expect(detectFormat(name)).toEqual({ format, compression });
  });
  it.each(['a.pdf', 'a.gz', 'noext', 'a.json', '.txt.exe'])('refuses %s as unsupported_format', (name) => {
    expect(() => detectFormat(name)).toThrow(expect.objectContaining({ reason: 'unsupported_format', code: 'unsupported-format' }));
  });
  it('readDocuments refuses an unsupported extension before opening anything', () => {
    expect(() => readDocuments({ fileName: 'x.docx', open: () => Readable.from([]) })).toThrow(DatasetFormatError);
  });
});

describe.each(Object.keys(plain))('format %s', (format) => {
  const variants: [string, (b: Buffer) => Buffer, boolean][] = [
    ['', (b) => b, true],
    ['.gz', (b) => gzipSync(b), true],
    ['.zst', (b) => zstd(b), hasZstd],
  ];
  for (const [suffix, compress, available] of variants) {
    (available ? it : it.skip)(
      available
        ? `reads every document of a .${format}${suffix} file in order`
        : `reads .${format}${suffix} (skipped: ${ZSTD} not installed)`,
      async () => {
        const { docs, summary } = await read(`data.${format}${suffix}`, compress(plain[format]()), { chunk: 7 });
        expect(docs.map((d) => d.text)).toEqual(TEXTS);
        expect(docs.map((d) => d.index)).toEqual([0, 1, 2]);
        expect(summary).toMatchObject({ complete: true, records: 3, documents: 3, malformed: 0, skipped: {} });
        expect(summary.compressedBytesRead).toBeGreaterThan(0);
        expect(summary.decompressedBytesRead).toBe(
          format === 'parquet' && suffix === '' ? summary.compressedBytesRead : summary.decompressedBytesRead,
        );
        if (suffix === '' && format !== 'parquet') expect(summary.decompressedBytesRead).toBe(summary.compressedBytesRead);
        if (suffix !== '' && format !== 'parquet') expect(summary.decompressedBytesRead).toBe(plain[format]().length);
      },
    );
  }
});

describe('positions and fields', () => {
  it('markdown: the whole file is one document, blank lines kept (leading ones dropped)', async () => {
    const data = Buffer.from('\n# Title\n\nFirst paragraph.\n\n```\ncode\n```\n\nLast paragraph.');
    const { docs } = await read('README.md', data, { chunk: 5 });
    expect(docs).toEqual([{ index: 0, text: '# Title\n\nFirst paragraph.\n\n```\ncode\n```\n\nLast paragraph.', line: 2, byteOffset: 1 }]);
  });

  it('txt: documents start at their first line and byte offset; CRLF and whitespace-only separators work', async () => {
    const data = Buffer.from('  \r\nalpha é\r\nbeta\r\n \t \r\n\r\ngamma');
    const { docs } = await read('a.txt', data, { chunk: 3 });
    expect(docs).toEqual([
      { index: 0, text: 'alpha é\nbeta', line: 2, byteOffset: 4 },
      { index: 1, text: 'gamma', line: 6, byteOffset: data.indexOf('gamma') },
    ]);
  });

  it('jsonl: reads a configurable text field and reports line and byte offset', async () => {
    const data = Buffer.from('{"body":"ü one"}\n\n{"body":"two"}\n');
    const { docs } = await read('a.jsonl', data, { textField: 'body', chunk: 5 });
    expect(docs).toEqual([
      { index: 0, text: 'ü one', line: 1, byteOffset: 0 },
      { index: 1, text: 'two', line: 3, byteOffset: data.indexOf('{"body":"two"}') },
    ]);
  });

  it('csv: multi-line quoted fields, a configurable column, BOM, ragged rows', async () => {
    const data = Buffer.from('\ufeffcontent,n\n"a, ""quoted""\nmulti-line",1\nplain,2\n,3\n');
    const ragged = Buffer.from('n,content\n1,one\n2\n3,three\n');
    const { docs, summary } = await read('a.csv', data, { textField: 'content', chunk: 4 });
    expect(docs.map((d) => [d.index, d.text, d.line])).toEqual([
      [0, 'a, "quoted"\nmulti-line', 3],
      [1, 'plain', 4],
    ]);
    expect(summary.skipped).toEqual({ empty_document: 1 });
    const r = await read('r.csv', ragged, { textField: 'content' });
    expect(r.docs.map((d) => d.text)).toEqual(['one', 'three']);
    expect(r.summary.skipped).toEqual({ missing_text_field: 1 });
  });

  it('parquet: reads from a path row group by row group with a configurable column; null values are skipped', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), '1tt-pq-'));
    try {
      const file = path.join(dir, 'd.parquet');
      await fs.writeFile(file, parquet(['a', null, 'c', 'd', 'e'], { column: 'body', rowGroupSize: 2 }));
      const reader = readDocuments({ fileName: 'd.parquet', path: file, textField: 'body', open: () => Readable.from([]) });
      const docs: DatasetDocument[] = [];
      for await (const d of reader) docs.push(d);
      expect(docs).toEqual([
        { index: 0, text: 'a' },
        { index: 2, text: 'c' },
        { index: 3, text: 'd' },
        { index: 4, text: 'e' },
      ]);
      expect(reader.summary.skipped).toEqual({ missing_text_field: 1 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a multi-byte character split across chunk boundaries is not an error', async () => {
    const text = '€uro 𝄞 clef — ñ';
    for (let chunk = 1; chunk <= 5; chunk++) {
      const { docs } = await read('a.txt', Buffer.from(text), { chunk });
      expect(docs.map((d) => d.text)).toEqual([text]);
    }
    const bytes = Buffer.from(text);
    const { docs } = await read('a.txt.gz', gzipSync(bytes), { chunk: 1 });
    expect(docs[0].text).toBe(text);
  });
});

describe('record-level problems are skipped and counted', () => {
  it('jsonl: broken JSON, missing or non-string text field, empty documents', async () => {
    const lines = [
      '{"text":"good 1"}',
      '{"text": "unterminated',
      '{"other":"x"}',
      '{"text": 42}',
      '[1,2]',
      '{"text":"   "}',
      ...Array.from({ length: 30 }, (_, i) => `{"text":"good ${i + 2}"}`),
    ];
    const skips: unknown[] = [];
    const { docs, summary } = await read('a.jsonl', Buffer.from(lines.join('\n')), { onSkip: (s) => skips.push(s) });
    expect(docs).toHaveLength(31);
    expect(summary.skipped).toEqual({ invalid_json: 1, missing_text_field: 3, empty_document: 1 });
    expect(summary.malformed).toBe(4);
    expect(skips[0]).toEqual({ index: 1, reason: 'invalid_json', line: 2, byteOffset: lines[0].length + 1 });
    expect(summary.skippedSamples.map((s) => [s.reason, s.line])).toEqual([
      ['invalid_json', 2],
      ['missing_text_field', 3],
      ['missing_text_field', 4],
      ['missing_text_field', 5],
      ['empty_document', 6],
    ]);
    expect(docs[1].index).toBe(6);
  });

  it('a line longer than maxDocumentBytes is skipped without holding it, and reading goes on', async () => {
    const long = JSON.stringify({ text: 'x'.repeat(5000) });
    const lines = [long, ...Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `t${i}` }))];
    const { docs, summary } = await read('a.jsonl', Buffer.from(lines.join('\n')), {
      maxDocumentBytes: 1000,
      chunk: 100,
      binarySniffBytes: 512,
    });
    expect(docs).toHaveLength(20);
    expect(summary.skipped).toEqual({ document_too_large: 1 });
    expect(summary.peakBufferedBytes).toBeLessThanOrEqual(1000 + 100);
  });

  it('txt: a document over maxDocumentBytes is skipped; the next one is read', async () => {
    const big = Array.from({ length: 50 }, () => 'y'.repeat(99)).join('\n');
    const data = Buffer.from(`${big}\n\n${Array.from({ length: 10 }, (_, i) => `small ${i}`).join('\n\n')}`);
    const { docs, summary } = await read('a.txt', data, { maxDocumentBytes: 1000, chunk: 64 });
    expect(docs).toHaveLength(10);
    expect(summary.skipped).toEqual({ document_too_large: 1 });
    expect(summary.skippedSamples[0]).toMatchObject({ index: 0, line: 1, byteOffset: 0 });
  });
});

describe('whole-file rejections carry a reason and a position', () => {
  async function expectRejected(
    fileName: string,
    data: Buffer,
    reason: RejectionReason,
    where: object,
    opts: Parameters<typeof read>[2] = {},
  ) {
    const err = await rejection(fileName, data, opts);
    expect(err.reason).toBe(reason);
    expect(err.code).toBe(reason.replace(/_/g, '-'));
    expect(err.context).toMatchObject({ reason, ...where });
    expect({ line: err.line, byteOffset: err.byteOffset, row: err.row }).toMatchObject(where);
    return err;
  }

  it('invalid UTF-8 at its byte offset (also when the bad byte starts a chunk)', async () => {
    const good = Buffer.from('{"text":"fine"}\n{"text":"ok ');
    const data = Buffer.concat([good, Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    for (const chunk of [1, 3, 64 * 1024]) {
      await expectRejected('a.jsonl', data, 'invalid_utf8', { byteOffset: good.length }, { chunk });
    }
    await expectRejected('a.txt', Buffer.from([0x61, 0x62, 0xff, 0x63]), 'invalid_utf8', { byteOffset: 2 });
    // Overlong encoding and a UTF-16 surrogate encoded in UTF-8 are invalid too.
    await expectRejected('a.txt', Buffer.from([0x61, 0xc0, 0xaf]), 'invalid_utf8', { byteOffset: 1 });
    await expectRejected('a.txt', Buffer.from([0x61, 0x61, 0xed, 0xa0, 0x80]), 'invalid_utf8', { byteOffset: 2 });
  });

  it('invalid UTF-8 after the binary sniff window and inside gzip is found at its offset', async () => {
    const head = Buffer.from('a'.repeat(100_000) + '\n');
    const data = Buffer.concat([head, Buffer.from([0xe2, 0x82]), Buffer.from('\n')]);
    await expectRejected('a.txt.gz', gzipSync(data), 'invalid_utf8', { byteOffset: head.length });
  });

  it('a file ending inside a multi-byte character is invalid UTF-8', async () => {
    await expectRejected('a.txt', Buffer.from([0x61, 0x62, 0xe2, 0x82]), 'invalid_utf8', { byteOffset: 2 }, { chunk: 1 });
  });

  it('UTF-16 with a byte order mark (LE and BE) is read like UTF-8, at any chunk boundary (issue #20: it was called binary)', async () => {
    const text = 'Première ligne, 日本語 et 😀.\nStill the first.\n\nSecond document.\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    for (const bytes of [le, be]) {
      for (const chunk of [1, 3, 7, 64 * 1024]) {
        const { docs } = await read('a.txt', bytes, { chunk });
        expect(docs.map((d) => d.text)).toEqual(['Première ligne, 日本語 et 😀.\nStill the first.', 'Second document.']);
      }
    }
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,text\n1,"héllo, world"\n', 'utf16le')]);
    expect((await read('a.csv', csv)).docs.map((d) => d.text)).toEqual(['héllo, world']);
    const jsonl = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"text":"naïve"}\n', 'utf16le')]);
    expect((await read('a.jsonl', jsonl)).docs.map((d) => d.text)).toEqual(['naïve']);
  });

  it('UTF-16 without a byte order mark is refused saying which encoding it is and how to convert it; a broken UTF-16 file is invalid_utf16', async () => {
    const le = Buffer.from('Plain English text in UTF-16.\n\nAnother paragraph.\n', 'utf16le');
    const err = await rejection('a.txt', le);
    expect(err.reason).toBe('binary_content');
    expect(err.message).toMatch(/UTF-16LE text without a byte order mark/);
    expect(err.hint).toMatch(/iconv -f UTF-16LE -t UTF-8/);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    expect((await rejection('a.txt', be)).message).toMatch(/UTF-16BE/);
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('ok ', 'utf16le'),
      Buffer.from([0x00, 0xd8]),
      Buffer.from(' x', 'utf16le'),
    ]);
    expect((await rejection('a.txt', lone)).reason).toBe('invalid_utf16');
  });

  it('binary data: NUL bytes or many control characters', async () => {
    await expectRejected('a.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'binary_content', {
      byteOffset: 8,
    });
    const ctrl = Buffer.alloc(1000, 0x61);
    for (let i = 0; i < 1000; i += 5) ctrl[i] = 0x01;
    await expectRejected('a.csv', ctrl, 'binary_content', { byteOffset: 0 });
    const late = Buffer.concat([Buffer.from('t\n'.repeat(50_000)), Buffer.from([0]), Buffer.from('\n')]);
    await expectRejected('a.txt', late, 'binary_content', { byteOffset: 100_000 });
  });

  it('truncated gzip and zstd', async () => {
    const data = Buffer.from(
      Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: `doc ${i} ${'lorem '.repeat(i % 17)}` })).join('\n'),
    );
    const gz = gzipSync(data);
    await expectRejected('a.jsonl.gz', gz.subarray(0, gz.length - 100), 'truncated_compression', {});
    await expectRejected('a.jsonl.gz', gz.subarray(0, 5), 'truncated_compression', {});
    if (hasZstd) {
      const zs = zstd(data);
      await expectRejected('a.jsonl.zst', zs.subarray(0, Math.floor(zs.length / 2)), 'truncated_compression', {});
      await expectRejected('a.jsonl.zst', zs.subarray(0, 3), 'truncated_compression', {});
    }
  });

  (hasZstd ? it : it.skip)(
    hasZstd ? 'corrupt zstd and a zstd window too large for memory' : 'corrupt zstd (skipped: /usr/bin/zstd not installed)',
    async () => {
      await expectRejected('a.txt.zst', Buffer.from('this is not zstd at all, just text'), 'corrupt_compression', {});
      const long = zstd(Buffer.alloc(1024, 0x61), ['--long=31']);
      await expectRejected('a.txt.zst', long, 'corrupt_compression', { byteOffset: 0 });
    },
  );

  it('garbage named .gz is corrupt_compression, never a crash or a hang', async () => {
    await expectRejected('a.txt.gz', Buffer.from('definitely not gzip'), 'corrupt_compression', {});
    const randomish = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff));
    randomish[0] = 0x1f;
    randomish[1] = 0x8b;
    randomish[2] = 8;
    randomish[3] = 0;
    const err = await rejection('a.txt.gz', randomish);
    expect(['corrupt_compression', 'truncated_compression']).toContain(err.reason);
  });

  it('a decompression bomb (200 MB of zeros, gzip) is stopped early, by ratio', async () => {
    const gz: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const z = createGzip({ level: 9 });
      z.on('data', (c: Buffer) => gz.push(c));
      z.on('end', resolve);
      z.on('error', reject);
      const zeros = Buffer.alloc(1 << 20, 0x20);
      (function write(i: number) {
        while (i < 200) {
          if (!z.write(zeros)) return void z.once('drain', () => write(i + 1));
          i++;
        }
        z.end();
      })(0);
    });
    const bomb = Buffer.concat(gz);
    expect(bomb.length).toBeLessThan(1 << 20);
    const err = await rejection('bomb.txt.gz', bomb);
    expect(err.reason).toBe('decompression_bomb');
    // Stopped soon after the ratio grace, long before 200 MB.
    const reader = readDocuments({ fileName: 'bomb.txt.gz', open: () => chunked(bomb, 64 * 1024) });
    await expect(
      (async () => {
        for await (const _ of reader);
      })(),
    ).rejects.toMatchObject({ reason: 'decompression_bomb' });
    expect(reader.progress.decompressedBytesRead).toBeLessThan(80 * 1024 * 1024);
  });

  (hasZstd ? it : it.skip)(
    hasZstd ? 'a zstd bomb is stopped by ratio and an absolute cap' : 'zstd bomb (skipped: /usr/bin/zstd not installed)',
    async () => {
      const bomb = zstd(Buffer.alloc(100 << 20, 0x20), ['-19']);
      await expect(rejection('bomb.txt.zst', bomb, { compressionRatioGraceBytes: 1 << 20 })).resolves.toMatchObject({
        reason: 'decompression_bomb',
      });
      const modest = zstd(Buffer.from('hello world\n'.repeat(100_000)));
      await expect(rejection('m.txt.zst', modest, { maxDecompressedBytes: 500_000, maxCompressionRatio: 1e9 })).resolves.toMatchObject({
        reason: 'decompression_bomb',
      });
    },
  );

  it('CSV without the text column', async () => {
    await expectRejected('a.csv', Buffer.from('id,body\n1,hello\n'), 'missing_text_column', { line: 1 });
    await expectRejected('a.csv', Buffer.from('id,body\n'), 'missing_text_column', { line: 1 });
  });

  it('CSV with broken quoting, and a CSV record over the size limit', async () => {
    await expectRejected('a.csv', Buffer.from('text,id\n"never closed,1\nnext,2\n'), 'invalid_csv', { line: 3 });
    await expectRejected('a.csv', Buffer.from('text,id\n"ab"c,1\n'), 'invalid_csv', { line: 2 });
    await expectRejected(
      'a.csv',
      Buffer.from(`text,id\n${'z'.repeat(2000)},1\n`),
      'document_too_large',
      { line: 2 },
      { maxDocumentBytes: 1000 },
    );
  });

  it('Parquet without the text column, and a file that is not Parquet', async () => {
    await expectRejected('a.parquet', parquet(['x'], { column: 'body' }), 'missing_text_column', {});
    await expectRejected('a.parquet', Buffer.from('PAR1 but not really a parquet file'), 'unreadable_parquet', {});
    await expectRejected('a.parquet', Buffer.alloc(0), 'unreadable_parquet', {});
    const good = parquet(TEXTS);
    await expectRejected('a.parquet', good.subarray(0, good.length - 20), 'unreadable_parquet', {});
  });

  it('Parquet with a row group too large for memory', async () => {
    await expectRejected(
      'a.parquet',
      parquet(['x'.repeat(5000), 'y'], { rowGroupSize: 10 }),
      'parquet_row_group_too_large',
      { row: 0 },
      { maxParquetRowGroupBytes: 1000 },
    );
  });

  /** One long string, dictionary-encoded, repeated `rows` times in one row group and one page: a few hundred bytes on disk. */
  function dictionaryBomb(rows: number, entryBytes = 10_000): Buffer {
    return Buffer.from(
      parquetWriteBuffer({
        columnData: [{ name: 'text', data: Array<string>(rows).fill('x'.repeat(entryBytes)), type: 'STRING' }],
        rowGroupSize: rows,
        pageSize: 1024 ** 3,
      }),
    );
  }

  it('Parquet dictionary bomb (issue #20, C2): judged by the page headers, not the footer, and refused before anything is decoded', async () => {
    // 60,000 × 10 KB = 600 MB once decoded, over the default 512 MiB; the file is under 1 KB and its footer says ~10 KB.
    const bomb = dictionaryBomb(60_000);
    expect(bomb.length).toBeLessThan(4096);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), '1tt-pq-bomb-'));
    try {
      const file = path.join(dir, 'bomb.parquet');
      await fs.writeFile(file, bomb);
      const heapBefore = process.memoryUsage().heapUsed;
      const err = await rejection('bomb.parquet', bomb, { path: file });
      expect(err.reason).toBe('parquet_row_group_too_large');
      expect(err.row).toBe(0);
      expect(err.message).toMatch(/once decoded/);
      // Nothing was materialised: far less than one row group's worth of strings was allocated.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
      // The same through the spooled (compressed) path.
      expect((await rejection('bomb.parquet.gz', gzipSync(bomb))).reason).toBe('parquet_row_group_too_large');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('Parquet: a row group with more values than maxParquetRowGroupRows is refused, a smaller one is read', async () => {
    const small = dictionaryBomb(2_000, 10);
    expect((await rejection('a.parquet', small, { maxParquetRowGroupRows: 1_000 })).reason).toBe('parquet_row_group_too_large');
    const { docs } = await read('a.parquet', small, { maxParquetRowGroupRows: 2_000 });
    expect(docs).toHaveLength(2_000);
  });

  it('Parquet progress never shows more bytes read than the file has, and ends at the file size', async () => {
    const data = parquet(
      Array.from({ length: 50 }, (_, i) => `document ${i} `.repeat(20)),
      { rowGroupSize: 7 },
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), '1tt-pq-progress-'));
    try {
      const file = path.join(dir, 'p.parquet');
      await fs.writeFile(file, data);
      const reader = readDocuments({ fileName: 'p.parquet', path: file, open: () => Readable.from([]) });
      for await (const _doc of reader) expect(reader.progress.compressedBytesRead).toBeLessThanOrEqual(data.length);
      expect(reader.summary.compressedBytesRead).toBe(data.length);
      expect(reader.summary.documents).toBe(50);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a corrupt Parquet file is refused with a plain reason, never an internal JavaScript error, never a hang of this thread (issue #20)', async () => {
    const good = parquet(
      Array.from({ length: 50 }, (_, i) => `hello world ${i} `.repeat(20)),
      { rowGroupSize: 10 },
    );
    // Seeded: the same 200 corruptions every run (1-4 random bytes overwritten). The 198th of this sequence sends
    // hyparquet into a loop that never ends: decoded on its own worker thread, it is stopped after
    // maxParquetDecodeSeconds and the file refused parquet_decode_stalled, while this thread keeps running.
    let seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const internal =
      /TypeError|RangeError|is not a function|Cannot read propert|Cannot destructure|argument must be|Invalid typed array|undefined/;
    let refused = 0;
    const stalled: number[] = [];
    for (let t = 0; t < 200; t++) {
      const bad = Buffer.from(good);
      for (let k = 0, n = 1 + Math.floor(rnd() * 4); k < n; k++) bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256);
      const ticks = setInterval(() => undefined, 50);
      const err = await read('a.parquet', bad, { maxParquetDecodeSeconds: 5 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      clearInterval(ticks);
      if (err === undefined) continue; // a corruption inside a text value can leave a readable file
      refused += 1;
      expect(err).toBeInstanceOf(DatasetFormatError);
      expect((err as DatasetFormatError).message).not.toMatch(internal);
      if ((err as DatasetFormatError).reason === 'parquet_decode_stalled') stalled.push(t + 1);
    }
    expect(refused).toBeGreaterThan(60);
    expect(stalled).toContain(198);
  }, 900_000);

  it('too many malformed records: more than maxMalformedRecords at once, or more than 10% at the end', async () => {
    const broken = Array.from({ length: 30 }, () => '{oops').join('\n');
    const good = Array.from({ length: 10 }, (_, i) => `{"text":"g${i}"}`).join('\n');
    const err = await rejection('a.jsonl', Buffer.from(`${good}\n${broken}`), { maxMalformedRecords: 5 });
    expect(err.reason).toBe('too_many_malformed_records');
    expect(err.line).toBe(16); // the 6th broken line
    const some = Array.from({ length: 100 }, (_, i) => (i % 9 === 0 ? '{bad' : `{"text":"d${i}"}`)).join('\n');
    await expect(rejection('a.jsonl', Buffer.from(some))).resolves.toMatchObject({ reason: 'too_many_malformed_records' });
    const few = Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? '{bad' : `{"text":"d${i}"}`)).join('\n');
    const ok = await read('a.jsonl', Buffer.from(few));
    expect(ok.summary.skipped.invalid_json).toBe(10);
    expect(ok.summary.complete).toBe(true);
  });

  it('an error of the source stream is passed through unchanged (retryable, not a rejection)', async () => {
    const boom = new Error('disk went away');
    const reader = readDocuments({
      fileName: 'a.jsonl.gz',
      open: () =>
        Readable.from(
          (async function* () {
            yield gzipSync(Buffer.from('{"text":"a"}\n')).subarray(0, 10);
            throw boom;
          })(),
        ),
    });
    await expect(
      (async () => {
        for await (const _ of reader);
      })(),
    ).rejects.toBe(boom);
  });

  it('never hangs on garbage in any format', async () => {
    let seed = 42;
    const garbage = Buffer.alloc(50_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16;
    for (const name of ['g.txt', 'g.jsonl', 'g.csv', 'g.parquet', 'g.txt.gz', 'g.jsonl.zst', 'g.parquet.gz']) {
      const err = await rejection(name, garbage);
      expect(err).toBeInstanceOf(DatasetFormatError);
    }
  });
});

describe('memory stays flat', () => {
  it('streams 48 MB of jsonl.gz holding a bounded number of bytes at any time', async () => {
    const line = (i: number) =>
      `${JSON.stringify({ text: `document ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(4)}` })}\n`;
    const total = 48 * 1024 * 1024;
    async function* gen() {
      let produced = 0;
      let i = 0;
      while (produced < total) {
        const parts: string[] = [];
        for (let k = 0; k < 1000; k++) parts.push(line(i++));
        const b = Buffer.from(parts.join(''));
        produced += b.length;
        yield b;
      }
    }
    const reader = readDocuments({ fileName: 'big.jsonl.gz', open: () => Readable.from(gen()).pipe(createGzip({ level: 1 })) });
    let n = 0;
    let lastIndex = -1;
    let gaps = 0;
    for await (const d of reader) {
      if (d.index !== lastIndex + 1) gaps++;
      lastIndex = d.index;
      n++;
    }
    expect(gaps).toBe(0);
    expect(reader.summary.decompressedBytesRead).toBeGreaterThanOrEqual(total);
    expect(n).toBe(reader.summary.documents);
    expect(n).toBeGreaterThan(200_000);
    // The explicit bound: what the reader holds never grows with the file (sniff window / a partial line).
    expect(reader.summary.peakBufferedBytes).toBeLessThanOrEqual(256 * 1024);
  }, 120_000);
});
