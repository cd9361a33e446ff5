/**
 * Token counting MB/s on one core: plain js-tiktoken (`encode(text, [], []).length`)
 * against the cached pre-token counter, on the same real text (Debian's
 * common licenses repeated to ~20 MB, plus man pages), both totals printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CachedTiktokenTokenizer, PlainTiktokenTokenizer, TOKENIZER_ENCODINGS } from '@1tt/tokenizer';
import { quick, report, timed } from './bench-report';

function corpus(targetChars: number): string[] {
  const licenses = readdirSync('/usr/share/common-licenses').map((f) => {
    try {
      return readFileSync(`/usr/share/common-licenses/${f}`, 'utf8');
    } catch {
      return '';
    }
  });
  const man: string[] = [];
  let manChars = 0;
  const dir = '/usr/share/man/man1';
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.gz') || manChars > targetChars / 4) continue;
    try {
      const t = gunzipSync(readFileSync(`${dir}/${f}`)).toString('utf8');
      man.push(t);
      manChars += t.length;
    } catch {
      /* unreadable page: skip */
    }
  }
  const docs: string[] = [...man];
  let size = manChars;
  while (size < targetChars) {
    for (const l of licenses) {
      docs.push(l);
      size += l.length;
    }
  }
  return docs;
}

async function main(): Promise<void> {
  const docs = corpus(quick ? 1_000_000 : 20_000_000);
  const mb = Buffer.byteLength(docs.join(''), 'utf8') / 1e6;
  report('corpus (licenses x N + man pages)', mb, 'MB');
  for (const encoding of TOKENIZER_ENCODINGS) {
    const plain = new PlainTiktokenTokenizer(encoding);
    const fast = new CachedTiktokenTokenizer(encoding);
    let plainTotal = 0;
    const plainSecs = await timed(() => {
      for (const d of docs) plainTotal += plain.count(d);
    });
    let fastTotal = 0;
    const fastSecs = await timed(() => {
      for (const d of docs) fastTotal += fast.count(d);
    });
    report(`${encoding}: plain js-tiktoken`, mb / plainSecs, 'MB/s');
    report(`${encoding}: cached pre-token counter (1 core)`, mb / fastSecs, 'MB/s');
    report(`${encoding}: tokens, plain js-tiktoken`, plainTotal, 'tokens');
    report(`${encoding}: tokens, cached counter`, fastTotal, 'tokens');
    if (plainTotal !== fastTotal) throw new Error(`${encoding}: counts differ (${plainTotal} vs ${fastTotal})`);
    report(`${encoding}: speed-up`, plainSecs / fastSecs, 'x');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
