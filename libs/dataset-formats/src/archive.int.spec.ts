import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync, gzipSync } from 'node:zlib';
import {
  DatasetDocument,
  DatasetFormatError,
  detectFormat,
  readDocuments,
  ReadOptions,
  ReadSummary,
  SkippedRecord,
} from '@1tt/dataset-formats';

/** Archives built here by hand (tar headers, ZIP records) or with the system tar/zip; nothing is extracted to disk. */

function chunked(data: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

interface Read {
  docs: DatasetDocument[];
  skips: SkippedRecord[];
  summary: ReadSummary;
}

async function read(
  fileName: string,
  data: Buffer,
  opts: ReadOptions & { chunk?: number; path?: string; textField?: string } = {},
): Promise<Read> {
  const { chunk, path: p, textField, ...limits } = opts;
  const skips: SkippedRecord[] = [];
  const reader = readDocuments(
    { fileName, path: p, textField, open: () => chunked(data, chunk ?? 7 * 1024) },
    { ...limits, onSkip: (r) => skips.push(r) },
  );
  const docs: DatasetDocument[] = [];
  for await (const d of reader) docs.push(d);
  return { docs, skips, summary: reader.summary };
}

async function rejection(fileName: string, data: Buffer, opts: Parameters<typeof read>[2] = {}): Promise<DatasetFormatError> {
  const err = await read(fileName, data, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DatasetFormatError)) throw new Error(`expected a DatasetFormatError, got ${String(err)}`);
  return err;
}

// ---- tar by hand ---------------------------------------------------------

interface TarEntry {
  name: string;
  data?: Buffer | string;
  type?: string;
  linkName?: string;
  /** Written before the entry: a pax header with these records. */
  pax?: Record<string, string>;
  /** Written before the entry: a GNU long name header. */
  gnuLongName?: string;
  badChecksum?: boolean;
}

function tarHeader(name: string, size: number, type: string, linkName = '', badChecksum = false): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkName, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  if (badChecksum) sum += 1;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function padded(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

function tar(entries: TarEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.pax) {
      const body = Buffer.from(
        Object.entries(e.pax)
          .map(([k, v]) => {
            const rec = ` ${k}=${v}\n`;
            let len = rec.length + 1;
            while (`${len}${rec}`.length !== len) len = `${len}${rec}`.length;
            return `${len}${rec}`;
          })
          .join(''),
      );
      parts.push(tarHeader('PaxHeader', body.length, 'x'), padded(body));
    }
    if (e.gnuLongName) {
      const body = Buffer.from(e.gnuLongName + '\0');
      parts.push(tarHeader('././@LongLink', body.length, 'L'), padded(body));
    }
    const data = Buffer.from(e.data ?? '');
    parts.push(tarHeader(e.name, data.length, e.type ?? '0', e.linkName, e.badChecksum), padded(data));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// ---- zip by hand -----------------------------------------------------------

interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** 0 stored, 8 deflate (default), anything else is written as stored bytes under that method number. */
  method?: number;
  flags?: number;
  /** Unix mode (made by Unix), e.g. 0o120777 for a symlink. */
  mode?: number;
  /** Recorded uncompressed size, when it should lie. */
  declaredSize?: number;
}

function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data);
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(e.name);
    const flags = (e.flags ?? 0) | 0x800;
    const size = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const README = '# Title\n\nSome documentation with a [link](https://example.org).\n';
const CODE = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';

describe('archives: format detection', () => {
  it('knows .tar, .tar.gz, .tgz, .tar.zst, .tzst and .zip; refuses a compressed .zip', () => {
    expect(detectFormat('a.tar')).toEqual({ format: 'tar', compression: 'none' });
    expect(detectFormat('a.tar.gz')).toEqual({ format: 'tar', compression: 'gzip' });
    expect(detectFormat('A.TGZ')).toEqual({ format: 'tar', compression: 'gzip' });
    expect(detectFormat('a.tar.zst')).toEqual({ format: 'tar', compression: 'zstd' });
    expect(detectFormat('a.tzst')).toEqual({ format: 'tar', compression: 'zstd' });
    expect(detectFormat('a.zip')).toEqual({ format: 'zip', compression: 'none' });
    expect(() => detectFormat('a.zip.gz')).toThrow(DatasetFormatError);
  });
});

describe('tar archives', () => {
  it('each text member is one document carrying its path; .jsonl and .csv members are read as their format', async () => {
    const data = tar([
      { name: 'docs/', type: '5' },
      { name: 'docs/README.md', data: README },
      { name: 'src/add.ts', data: CODE },
      { name: 'notes.txt', data: 'first paragraph\n\nsecond paragraph\n' },
      { name: 'data/rows.jsonl', data: '{"text":"row one"}\nnot json\n{"text":"row two"}\n' },
      { name: 'data/table.csv', data: 'id,text\n1,cell one\n2,"cell, two"\n' },
      { name: 'LICENSE', data: 'Permission is hereby granted.\n' },
    ]);
    const { docs, skips, summary } = await read('bundle.tar', data);
    expect(docs.map((d) => [d.member, d.text])).toEqual([
      ['docs/README.md', README.trimEnd()],
      ['src/add.ts', CODE.trimEnd()],
      ['notes.txt', 'first paragraph\n\nsecond paragraph'],
      ['data/rows.jsonl', 'row one'],
      ['data/rows.jsonl', 'row two'],
      ['data/table.csv', 'cell one'],
      ['data/table.csv', 'cell, two'],
      ['LICENSE', 'Permission is hereby granted.'],
    ]);
    // Records are numbered across members, skipped ones included; positions are within the member.
    expect(docs.map((d) => d.index)).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(skips).toEqual([{ index: 4, reason: 'invalid_json', line: 2, byteOffset: 19, member: 'data/rows.jsonl' }]);
    expect(summary.complete).toBe(true);
  });

  it('pax and GNU long names are the member path', async () => {
    const long = `${'deep/'.repeat(40)}file.md`;
    const data = tar([
      { name: 'truncated-name', pax: { path: long }, data: '# pax\n\ntext\n' },
      { name: 'other', gnuLongName: `${long}.txt`, data: 'gnu text\n' },
    ]);
    const { docs } = await read('long.tar', data);
    expect(docs.map((d) => d.member)).toEqual([long, `${long}.txt`]);
  });

  it('hostile members are counted skips with their path: traversal, absolute, symlink, hardlink, device, nested archive, binary', async () => {
    const data = tar([
      { name: '../escape.txt', data: 'outside\n' },
      { name: '/etc/passwd.txt', data: 'root\n' },
      { name: 'link.txt', type: '2', linkName: '/etc/passwd' },
      { name: 'hard.txt', type: '1', linkName: 'ok.txt' },
      { name: 'dev.txt', type: '3' },
      { name: 'inner.tar.gz', data: gzipSync(tar([{ name: 'a.txt', data: 'nested\n' }])) },
      { name: 'image.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) },
      { name: 'disguised.txt', data: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]) },
      { name: 'empty.txt', data: '' },
      { name: 'ok.txt', data: 'the only good one\n' },
    ]);
    const { docs, skips, summary } = await read('hostile.tar', data);
    expect(docs.map((d) => d.member)).toEqual(['ok.txt']);
    expect(skips.map((s) => [s.member, s.reason])).toEqual([
      ['../escape.txt', 'archive_member_unsafe'],
      ['/etc/passwd.txt', 'archive_member_unsafe'],
      ['link.txt', 'archive_member_unsafe'],
      ['hard.txt', 'archive_member_unsafe'],
      ['dev.txt', 'archive_member_unsafe'],
      ['inner.tar.gz', 'archive_member_nested'],
      ['image.png', 'archive_member_not_text'],
      ['disguised.txt', 'archive_member_not_text'],
      ['empty.txt', 'empty_document'],
    ]);
    expect(summary.skipped).toEqual({
      archive_member_unsafe: 5,
      archive_member_nested: 1,
      archive_member_not_text: 2,
      empty_document: 1,
    });
    // Skipped members are not malformed records: the archive is not rejected for them.
    expect(summary.malformed).toBe(0);
    expect(summary.complete).toBe(true);
  });

  it('a header with a wrong checksum, or a member cut short, rejects the archive invalid_archive', async () => {
    expect((await rejection('bad.tar', tar([{ name: 'a.txt', data: 'x\n', badChecksum: true }]))).reason).toBe('invalid_archive');
    const whole = tar([{ name: 'a.txt', data: 'y'.repeat(2000) }], false);
    expect((await rejection('cut.tar', whole.subarray(0, 1200))).reason).toBe('invalid_archive');
    expect((await rejection('not.tar', Buffer.from('just some text, not a tar file\n'.repeat(40)))).reason).toBe('invalid_archive');
  });

  it('a tar without its end blocks is read to its last member', async () => {
    const { docs } = await read('noend.tar', tar([{ name: 'a.txt', data: 'alpha\n' }], false));
    expect(docs.map((d) => d.text)).toEqual(['alpha']);
  });

  it('a .tar.gz bomb is rejected decompression_bomb by the gzip ratio rule', async () => {
    const data = gzipSync(tar([{ name: 'zeros.txt', data: Buffer.alloc(4 * 1024 * 1024, 0x61) }]));
    const err = await rejection('bomb.tar.gz', data, { compressionRatioGraceBytes: 64 * 1024 });
    expect(err.reason).toBe('decompression_bomb');
  });

  it('archives made by the system tar (.tar.gz and .tar.zst) are read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'h13a-tar-'));
    try {
      await fs.mkdir(path.join(dir, 'pkg', 'lib'), { recursive: true });
      await fs.writeFile(path.join(dir, 'pkg', 'README.md'), README);
      await fs.writeFile(path.join(dir, 'pkg', 'lib', 'add.ts'), CODE);
      await fs.symlink('/etc/hostname', path.join(dir, 'pkg', 'evil.txt'));
      for (const [name, flag] of [
        ['pkg.tar.gz', '-z'],
        ['pkg.tar.zst', '--zstd'],
      ] as const) {
        const r = spawnSync('tar', ['-c', flag, '-f', '-', '--sort=name', 'pkg'], { cwd: dir, maxBuffer: 1 << 26 });
        expect(r.status).toBe(0);
        const { docs, skips } = await read(name, r.stdout);
        expect(docs.map((d) => [d.member, d.text])).toEqual([
          ['pkg/README.md', README.trimEnd()],
          ['pkg/lib/add.ts', CODE.trimEnd()],
        ]);
        expect(skips.map((s) => [s.member, s.reason])).toEqual([['pkg/evil.txt', 'archive_member_unsafe']]);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('zip archives', () => {
  it('stored and deflated members become documents with their path, from a stream or from a local path', async () => {
    const data = zip([
      { name: 'docs/', data: '', method: 0, mode: 0o040755 },
      { name: 'docs/README.md', data: README },
      { name: 'src/add.ts', data: CODE, method: 0 },
      { name: 'rows.ndjson', data: '{"body":"row one"}\n{"body":"row two"}\n' },
    ]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'h13a-zip-'));
    try {
      const file = path.join(dir, 'a.zip');
      await fs.writeFile(file, data);
      for (const p of [undefined, file]) {
        const { docs, summary } = await read('bundle.zip', data, { path: p, textField: 'body', tmpDir: dir });
        expect(docs.map((d) => [d.index, d.member, d.text])).toEqual([
          [0, 'docs/README.md', README.trimEnd()],
          [1, 'src/add.ts', CODE.trimEnd()],
          [2, 'rows.ndjson', 'row one'],
          [3, 'rows.ndjson', 'row two'],
        ]);
        expect(summary.compressedBytesRead).toBeGreaterThan(0);
        expect(summary.complete).toBe(true);
      }
      // The temporary copy of a streamed ZIP is gone afterwards.
      expect((await fs.readdir(dir)).sort()).toEqual(['a.zip']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('hostile members are counted skips: traversal, symlink, encrypted, unknown method, nested, binary', async () => {
    const data = zip([
      { name: '../../etc/cron.d/x.txt', data: 'owned\n' },
      { name: 'C:\\Windows\\x.txt', data: 'owned\n' },
      { name: 'link.md', data: '/etc/passwd', method: 0, mode: 0o120777 },
      { name: 'secret.txt', data: 'encrypted bytes', method: 0, flags: 1 },
      { name: 'bzip2.txt', data: 'BZh9...', method: 12 },
      { name: 'inner.zip', data: zip([{ name: 'a.txt', data: 'nested' }]), method: 0 },
      { name: 'blob.txt', data: Buffer.from([1, 0, 2, 0, 3]) },
      { name: 'good.rst', data: 'Title\n=====\n\nBody text.\n' },
    ]);
    const { docs, skips, summary } = await read('hostile.zip', data);
    expect(docs.map((d) => d.member)).toEqual(['good.rst']);
    expect(skips.map((s) => [s.member, s.reason])).toEqual([
      ['../../etc/cron.d/x.txt', 'archive_member_unsafe'],
      ['C:\\Windows\\x.txt', 'archive_member_unsafe'],
      ['link.md', 'archive_member_unsafe'],
      ['secret.txt', 'archive_member_encrypted'],
      ['bzip2.txt', 'archive_member_unsupported'],
      ['inner.zip', 'archive_member_nested'],
      ['blob.txt', 'archive_member_not_text'],
    ]);
    expect(summary.complete).toBe(true);
  });

  it('zip bombs: a member past the ratio rule, a member larger than recorded, and many members past the total limit are rejected', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const one = zip([{ name: 'a.txt', data: big }]);
    expect((await rejection('one.zip', one, { compressionRatioGraceBytes: 64 * 1024 })).reason).toBe('decompression_bomb');
    const lying = zip([{ name: 'a.txt', data: 'x'.repeat(5000), declaredSize: 10 }]);
    const lie = await rejection('lie.zip', lying);
    expect(lie.reason).toBe('invalid_archive');
    expect(lie.message).toMatch(/more than its recorded size/);
    // Each member well under the per-member grace, together past the absolute budget.
    const many = zip(Array.from({ length: 10 }, (_, i) => ({ name: `m${i}.txt`, data: `${i} ${'word '.repeat(20000)}` })));
    const total = await rejection('many.zip', many, { maxDecompressedBytes: 300 * 1024 });
    expect(total.reason).toBe('decompression_bomb');
    expect(total.message).toMatch(/limit of 307200 bytes/);
  });

  it('overlapping members that reuse one compressed kernel hit the ratio rule relative to the archive size', async () => {
    // One deflated kernel, referenced by many central directory entries (the "better zip bomb" layout).
    const kernel = zip([{ name: 'k.txt', data: 'a '.repeat(512 * 1024) }]);
    const cdStart = kernel.readUInt32LE(kernel.length - 6);
    const entry = kernel.subarray(cdStart, kernel.length - 22);
    const copies = 40;
    const cd = Buffer.concat(Array.from({ length: copies }, () => entry));
    const eocd = Buffer.from(kernel.subarray(kernel.length - 22));
    eocd.writeUInt16LE(copies, 8);
    eocd.writeUInt16LE(copies, 10);
    eocd.writeUInt32LE(cd.length, 12);
    const data = Buffer.concat([kernel.subarray(0, cdStart), cd, eocd]);
    const err = await rejection('overlap.zip', data, { compressionRatioGraceBytes: 4 * 1024 * 1024 });
    expect(err.reason).toBe('decompression_bomb');
    expect(err.message).toMatch(/the archive size/);
  });

  it('not a ZIP, a truncated ZIP and entries pointing outside the file are rejected invalid_archive', async () => {
    expect((await rejection('x.zip', Buffer.from('hello, not a zip'))).reason).toBe('invalid_archive');
    const good = zip([{ name: 'a.txt', data: 'hello world '.repeat(100) }]);
    expect(await rejection('cut.zip', good.subarray(40))).toBeInstanceOf(DatasetFormatError);
    const outside = Buffer.from(good);
    outside.writeUInt32LE(0x7fffffff, outside.length - 22 - 'a.txt'.length - 4);
    expect((await rejection('out.zip', outside)).reason).toBe('invalid_archive');
  });

  it('a ZIP made by the system zip (deflate, stored symlink, encrypted member) is read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'h13a-zip-'));
    try {
      await fs.mkdir(path.join(dir, 'pkg'));
      await fs.writeFile(path.join(dir, 'pkg', 'README.md'), README);
      await fs.writeFile(path.join(dir, 'pkg', 'add.ts'), CODE);
      await fs.symlink('/etc/hostname', path.join(dir, 'pkg', 'evil.txt'));
      expect(spawnSync('zip', ['-q', '-r', '-y', 'plain.zip', 'pkg'], { cwd: dir }).status).toBe(0);
      expect(spawnSync('zip', ['-q', '-P', 'secret', 'locked.zip', 'pkg/README.md'], { cwd: dir }).status).toBe(0);
      const plain = await read('plain.zip', await fs.readFile(path.join(dir, 'plain.zip')));
      expect(plain.docs.map((d) => [d.member, d.text]).sort()).toEqual([
        ['pkg/README.md', README.trimEnd()],
        ['pkg/add.ts', CODE.trimEnd()],
      ]);
      expect(plain.skips.map((s) => [s.member, s.reason])).toEqual([['pkg/evil.txt', 'archive_member_unsafe']]);
      const locked = await read('locked.zip', await fs.readFile(path.join(dir, 'locked.zip')));
      expect(locked.docs).toEqual([]);
      expect(locked.skips.map((s) => [s.member, s.reason])).toEqual([['pkg/README.md', 'archive_member_encrypted']]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
