/**
 * Reading speed of the streaming dataset readers: MB/s of decompressed
 * content for .jsonl, .jsonl.gz, .jsonl.zst, .csv and .txt (~200 MB each,
 * generated once into a temp dir), and the peak memory of the process.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { readDocuments } from '@1tt/dataset-formats';
import { peakRssMiB, quick, report, timed } from './bench-report';

const TARGET = (quick ? 10 : 200) * 1024 * 1024;
const WORDS =
  'the of and to in is was for on that with as by at from his her an which or were are this be had not it but have its they first'.split(
    ' ',
  );

function* documents(): Generator<string> {
  let seed = 7;
  for (let i = 0; ; i++) {
    const n = 40 + (i % 200);
    const w: string[] = [];
    for (let k = 0; k < n; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      w.push(WORDS[seed % WORDS.length]);
    }
    yield `${w.join(' ')}. Ünïcödé ${i}.`;
  }
}

async function write(file: string, render: (doc: string, i: number) => string, header = ''): Promise<void> {
  async function* gen() {
    let bytes = 0;
    let i = 0;
    yield header;
    const it = documents();
    while (bytes < TARGET) {
      const parts: string[] = [];
      for (let k = 0; k < 500; k++) parts.push(render(it.next().value as string, i++));
      const s = parts.join('');
      bytes += Buffer.byteLength(s);
      yield s;
    }
  }
  await pipeline(Readable.from(gen()), createWriteStream(file));
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), '1tt-bench-formats-'));
  try {
    const jsonl = path.join(dir, 'd.jsonl');
    await write(jsonl, (d, i) => `${JSON.stringify({ id: i, text: d })}\n`);
    await write(path.join(dir, 'd.csv'), (d, i) => `${i},"${d.replace(/"/g, '""')}"\n`, 'id,text\n');
    await write(path.join(dir, 'd.txt'), (d) => `${d}\n\n`);
    await pipeline(createReadStream(jsonl), createGzip({ level: 6 }), createWriteStream(`${jsonl}.gz`));
    const files = ['d.jsonl', 'd.jsonl.gz', 'd.csv', 'd.txt'];
    if (existsSync('/usr/bin/zstd')) {
      spawnSync('/usr/bin/zstd', ['-q', '-3', '-f', jsonl, '-o', `${jsonl}.zst`]);
      files.splice(2, 0, 'd.jsonl.zst');
    } else process.stdout.write('(no /usr/bin/zstd: .jsonl.zst skipped)\n');

    for (const name of files) {
      const file = path.join(dir, name);
      const reader = readDocuments({ fileName: name, path: file, open: () => createReadStream(file, { highWaterMark: 256 * 1024 }) });
      let docs = 0;
      const s = await timed(async () => {
        for await (const _ of reader) docs++;
      });
      const mb = reader.summary.decompressedBytesRead / 1e6;
      report(`read ${name} (${mb.toFixed(0)} MB content, ${docs.toLocaleString('en-US')} docs)`, mb / s, 'MB/s');
      report(`  ${name}: peak bytes buffered by the reader`, reader.summary.peakBufferedBytes / 1024, 'KiB');
    }
    report('peak RSS of the process (all reads)', peakRssMiB(), 'MiB');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
