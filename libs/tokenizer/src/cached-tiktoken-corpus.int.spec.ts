import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CachedTiktokenTokenizer, PlainTiktokenTokenizer, TOKENIZER_ENCODINGS } from '@1tt/tokenizer';

/**
 * Equality on real text found on every Debian machine: every license in
 * /usr/share/common-licenses, a deterministic sample of text files under
 * /usr/share/doc and of man pages (gunzipped), counted document by document.
 */
function files(dir: string, accept: (name: string) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) files(path, accept, out);
    else if (st.isFile() && accept(name)) out.push(path);
  }
  return out;
}

function read(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

/** Every k-th path so that the sample stays around `budget` characters. */
function sample(paths: string[], every: number, budget: number): string[] {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; i < paths.length && size < budget; i += every) {
    const text = read(paths[i]);
    docs.push(text);
    size += text.length;
  }
  return docs;
}

const licenses = files('/usr/share/common-licenses', () => true).map(read);
const docTexts = sample(
  files('/usr/share/doc', (n) => /\.(txt|md)(\.gz)?$/.test(n) || /^(README|NEWS)(\.gz)?$/.test(n)),
  1,
  3_000_000,
);
const manPages = sample(
  files('/usr/share/man/man1', (n) => n.endsWith('.gz')),
  5,
  3_000_000,
);
const corpus = [...licenses, ...docTexts, ...manPages];

describe.each(TOKENIZER_ENCODINGS)('CachedTiktokenTokenizer equals js-tiktoken on real Debian text (%s)', (encoding) => {
  it(`has a corpus worth the name (${corpus.length} documents)`, () => {
    expect(licenses.length).toBeGreaterThanOrEqual(10);
    expect(corpus.reduce((n, t) => n + t.length, 0)).toBeGreaterThan(3_000_000);
  });

  it('gives the same count for every document', () => {
    const plain = new PlainTiktokenTokenizer(encoding);
    const fast = new CachedTiktokenTokenizer(encoding, { cacheCapacity: 5_000 });
    const mismatches: Array<{ index: number; plain: number; fast: number }> = [];
    let total = 0;
    corpus.forEach((text, index) => {
      const p = plain.count(text);
      const f = fast.count(text);
      total += p;
      if (p !== f) mismatches.push({ index, plain: p, fast: f });
    });
    expect(mismatches).toEqual([]);
    expect(total).toBeGreaterThan(200_000);
  });
});
