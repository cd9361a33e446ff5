/**
 * `npm run bench -- hostile-uploads` (issue #20, "done when": /health stays
 * under 1 s while any single hostile upload or stream flood is in
 * progress). Starts the built service, then one hostile load at a time,
 * sampling GET /health every 20 ms from the first byte until the dataset is
 * decided (or the flood ends), and prints /health p50, p99 and max, the
 * service's largest resident memory and the outcome:
 *
 * - CSV of very wide rows (M6): ~64 MB of rows with 16,000 three-byte
 *   columns, and ~60 MB of 15 MB records of 1,000 wide columns;
 * - a Parquet dictionary bomb (C2): one 10 KB string × 1,000,000 rows in one
 *   row group and page (~6 KB of file, 10 GB decoded);
 * - gzip just under the bomb ratio (M5): ~93× (256 MB of text from ~2.8 MB);
 * - an event-stream flood (H1): 800 `/v1/events` streams that never read,
 *   from 100 auditor keys, while one consumer posts revenue reports as fast
 *   as the default rate limit lets it (after the same reports without
 *   streams, as a baseline);
 * - six audit verifications of the whole log at once (Low finding).
 *
 * Figures, not tests: nothing here asserts a time. BENCH_QUICK=1 shrinks
 * every size; HOSTILE_ONLY=csv,parquet,gzip,flood,verify picks loads.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { quick, report } from './bench-report';
import { startBuiltService, type BuiltService } from './built-service';

const LICENSE = fs.readFileSync('/usr/share/common-licenses/GPL-3', 'utf8');
const MB = 1024 * 1024;
const BYSTANDER_TEXTS = ['GPL-2', 'Apache-2.0', 'MPL-2.0', 'LGPL-2.1', 'Artistic', 'GFDL-1.3'];
let bystanders = 0;
const DECISION_LIMIT_SECONDS = quick ? 60 : 300;

interface Sampled {
  samples: number[];
  peakRssMiB: number;
}

/** Samples /health (and the service's memory) every 20 ms while `during` runs. */
async function sampleHealth(s: BuiltService, during: () => Promise<void>): Promise<Sampled> {
  const samples: number[] = [];
  let peakRssMiB = s.rssMiB();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await s.healthMs().catch(() => Number.POSITIVE_INFINITY));
      peakRssMiB = Math.max(peakRssMiB, s.rssMiB());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await during();
  } finally {
    sampling = false;
    await sampler;
  }
  return { samples, peakRssMiB };
}

function printSampled(name: string, r: Sampled): void {
  const sorted = [...r.samples].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  report(`${name}: /health samples`, sorted.length, '');
  report(`${name}: /health p50`, pct(50), 'ms');
  report(`${name}: /health p99`, pct(99), 'ms');
  report(`${name}: /health max`, sorted[sorted.length - 1], 'ms');
  report(`${name}: service peak RSS`, r.peakRssMiB, 'MiB');
}

/** POST /v1/datasets streaming `parts` as the file; answers the HTTP status and dataset id. */
function upload(s: BuiltService, key: string, fileName: string, parts: Iterable<Buffer>): Promise<{ status: number; datasetId?: string }> {
  return new Promise((resolve, reject) => {
    const boundary = `b${randomBytes(8).toString('hex')}`;
    const req = http.request(
      `${s.base}/v1/datasets`,
      { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, datasetId: /"datasetId":"([^"]+)"/.exec(body)?.[1] }));
      },
    );
    req.on('error', reject);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n\r\n`);
    const it = parts[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        const next = it.next();
        if (next.done) {
          req.end(`\r\n--${boundary}--\r\n`);
          return;
        }
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

async function decided(s: BuiltService, key: string, datasetId: string): Promise<Record<string, unknown>> {
  const until = Date.now() + DECISION_LIMIT_SECONDS * 1000;
  for (;;) {
    const r = await s.call('GET', `/v1/datasets/${datasetId}`, key);
    if (r.body.status !== 'processing' || Date.now() > until) return r.body;
    await new Promise((res) => setTimeout(res, 250));
  }
}

/**
 * Uploads the file, samples /health until it is decided, prints the figures.
 * Once the hostile upload is accepted (202), another contributor (`bystander`)
 * uploads a small ordinary file: how long its decision takes shows what the
 * hostile dataset costs everyone else (M5).
 */
async function hostileUpload(
  s: BuiltService,
  key: string,
  bystander: string,
  name: string,
  fileName: string,
  parts: () => Iterable<Buffer>,
): Promise<void> {
  let outcome = '';
  let bystanderSeconds = Number.NaN;
  let bystanderOutcome = '';
  let bytes = 0;
  const counted = function* (): Generator<Buffer> {
    for (const p of parts()) {
      bytes += p.length;
      yield p;
    }
  };
  const t0 = Date.now();
  const sampled = await sampleHealth(s, async () => {
    const res = await upload(s, key, fileName, counted());
    if (res.status !== 202 || !res.datasetId) {
      outcome = `refused ${res.status}`;
      return;
    }
    const small = (async () => {
      const t1 = Date.now();
      // A different license each time: a near-duplicate of an earlier bystander upload would be rejected.
      const text = fs.readFileSync(`/usr/share/common-licenses/${BYSTANDER_TEXTS[bystanders++ % BYSTANDER_TEXTS.length]}`, 'utf8');
      const b = await upload(s, bystander, `bystander-${fileName}.txt`, [Buffer.from(text)]);
      if (b.status !== 202 || !b.datasetId) return void (bystanderOutcome = `refused ${b.status}`);
      const v = await decided(s, bystander, b.datasetId);
      bystanderSeconds = (Date.now() - t1) / 1000;
      bystanderOutcome = String(v.status);
    })();
    const view = await decided(s, key, res.datasetId);
    outcome = view.status === 'rejected' ? `rejected ${String(view.rejectionReason)}` : String(view.status);
    await small;
  });
  if (bytes < MB) report(`${name}: file size`, bytes / 1024, 'KB');
  else report(`${name}: file size`, bytes / MB, 'MB');
  report(`${name}: upload to decision`, (Date.now() - t0) / 1000, `s (${outcome})`);
  report(`${name}: another contributor's small upload, to decision`, bystanderSeconds, `s (${bystanderOutcome})`);
  printSampled(name, sampled);
}

/** Rows of `columns` cells of `cellBytes` each behind a short text, until about `totalBytes`. */
function* wideCsv(totalBytes: number, columns: number, cellBytes: number): Generator<Buffer> {
  yield Buffer.from(`text,${Array.from({ length: columns - 1 }, (_, i) => `c${i}`).join(',')}\r\n`);
  const cells = Buffer.from(`,${'v'.repeat(cellBytes)}`.repeat(columns - 1) + '\r\n');
  let written = 0;
  for (let r = 0; written < totalBytes; r++) {
    const text = Buffer.from(`"Row ${r}. ${LICENSE.slice((r * 97) % 20_000, ((r * 97) % 20_000) + 600).replace(/"/g, '""')}"`);
    written += text.length + cells.length;
    yield text;
    yield cells;
  }
}

function dictionaryBomb(rows: number, entryBytes: number): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [{ name: 'text', data: Array<string>(rows).fill('x'.repeat(entryBytes)), type: 'STRING' }],
      rowGroupSize: rows,
      pageSize: 1024 ** 3,
    }),
  );
}

/** A 1 MiB block of text whose gzip ratio is close to `ratio` (random words mixed into repeated prose), as one gzip member. */
function nearBombMember(ratio: number): { member: Buffer; block: number } {
  const words = LICENSE.split(/\s+/).filter(Boolean);
  let lo = 0;
  let hi = 1;
  let best = { member: Buffer.alloc(0), block: MB, ratio: 0 };
  for (let step = 0; step < 14; step++) {
    const p = (lo + hi) / 2;
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const parts: string[] = [];
    let len = 0;
    let i = 0;
    while (len < MB) {
      // Repeated prose (a 60-word phrase: gzip's 32 KiB window sees it again and again) with a share p of random words.
      const w = rnd() < p ? randomWord(rnd) : words[i++ % 60];
      parts.push(w);
      len += w.length + 1;
      if (i % 12 === 0) parts.push('\n\n');
    }
    const block = Buffer.from(parts.join(' ').slice(0, MB));
    const member = gzipSync(block, { level: 9 });
    const r = block.length / member.length;
    if (Math.abs(r - ratio) < Math.abs(best.ratio - ratio)) best = { member, block: block.length, ratio: r };
    if (r > ratio) lo = p;
    else hi = p;
  }
  return best;
}

function randomWord(rnd: () => number): string {
  let w = '';
  const n = 3 + Math.floor(rnd() * 6);
  for (let k = 0; k < n; k++) w += String.fromCharCode(97 + Math.floor(rnd() * 26));
  return w;
}

/** `streams` GET /v1/events requests on raw sockets that never read what comes back. */
function unreadStreams(s: BuiltService, keys: string[], perKey: number): net.Socket[] {
  const url = new URL(s.base);
  const sockets: net.Socket[] = [];
  for (const key of keys) {
    for (let i = 0; i < perKey; i++) {
      const sock = net.connect(Number(url.port), url.hostname, () => {
        sock.write(`GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nAccept: text/event-stream\r\n\r\n`);
        sock.pause();
      });
      sock.on('error', () => undefined);
      sockets.push(sock);
    }
  }
  return sockets;
}

/** Four clients post revenue reports for `seconds` while /health is sampled; `sockets` are the unread streams (closed after). */
async function revenueFlood(s: BuiltService, consumerKey: string, seconds: number, name: string, sockets: net.Socket[]): Promise<void> {
  let reports = 0;
  let refused = 0;
  const sampled = await sampleHealth(s, async () => {
    const until = Date.now() + seconds * 1000;
    const poster = async () => {
      while (Date.now() < until) {
        const r = await fetch(`${s.base}/v1/revenue`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${consumerKey}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': `flood-${randomBytes(8).toString('hex')}`,
          },
          body: JSON.stringify({
            amount: `${1 + (reports % 900)}.00`,
            currency: 'USD',
            periodStart: '2025-01-01T00:00:00Z',
            periodEnd: '2025-02-01T00:00:00Z',
          }),
        });
        await r.arrayBuffer();
        if (r.status >= 200 && r.status < 300) reports++;
        else refused++;
      }
    };
    await Promise.all([poster(), poster(), poster(), poster()]);
  });
  const open = sockets.filter((x) => !x.destroyed).length;
  for (const x of sockets) x.destroy();
  report(`${name}: revenue reports posted`, reports, `in ${seconds} s (${refused} refused)`);
  if (sockets.length) report(`${name}: streams still open at the end`, open, '');
  printSampled(name, sampled);
}

/** HOSTILE_ONLY=csv,parquet,gzip,flood,verify runs only those loads (all by default). */
const only = process.env.HOSTILE_ONLY?.split(',').map((x) => x.trim());
const runs = (load: string): boolean => !only || only.includes(load);

async function main(): Promise<void> {
  // As deployed: the default per-key rate limit (600 requests a minute) applies to the attacker too.
  const s = await startBuiltService({ RATE_LIMIT_PER_MINUTE: '600' });
  try {
    const contributors: Array<Record<string, string>> = [];
    for (let i = 0; i < 5; i++) {
      contributors.push((await s.call('POST', '/v1/contributors', s.adminKey, { displayName: `Hostile ${i}` })).body);
    }
    const key = (i: number) => contributors[i].apiKey;
    report('(the machine is shared with other work: figures vary run to run)', 0, '');

    const csvMB = quick ? 8 : 64;
    if (runs('csv'))
      await hostileUpload(s, key(0), key(4), 'wide CSV, 16,000 columns of 3 bytes per row', 'wide-many.csv', () =>
        wideCsv(csvMB * MB, 16_000, 3),
      );
    if (runs('csv'))
      await hostileUpload(s, key(1), key(4), 'wide CSV, 15 MB records of 1,000 columns', 'wide-long.csv', () =>
        wideCsv((quick ? 16 : 60) * MB, 1000, 15_000),
      );

    if (runs('parquet')) {
      const bomb = dictionaryBomb(quick ? 100_000 : 1_000_000, 10_000);
      await hostileUpload(s, key(2), key(4), `Parquet dictionary bomb (${quick ? '100k' : '1M'} × 10 KB)`, 'bomb.parquet', () => [bomb]);
    }

    if (runs('gzip')) {
      const { member, block } = nearBombMember(93);
      const members = (quick ? 32 : 256) * Math.round(MB / block);
      report('gzip near the bomb ratio: ratio', block / member.length, '×');
      await hostileUpload(s, key(3), key(4), `gzip at ~93× (${quick ? 32 : 256} MB of text)`, 'near-bomb.txt.gz', () =>
        Array<Buffer>(members).fill(member),
      );
    }

    // Event-stream flood: auditors see every event; their streams never read while revenue reports are posted.
    // One consumer per phase: each starts with the rate limit's full minute.
    const consumers: string[] = [];
    for (const displayName of ['Baseline Corp', 'Flood Corp']) {
      const c = (await s.call('POST', '/v1/consumers', s.adminKey, { displayName })).body;
      await s.call('PUT', `/v1/consumers/${c.consumerId}/agreement`, s.adminKey, { alpha: '0.3', currency: 'USD', policy: 'snapshot' });
      consumers.push(c.apiKey);
    }
    const auditors: string[] = [];
    for (let i = 0; i < (quick ? 10 : 100); i++) {
      auditors.push((await s.call('POST', '/v1/auditors', s.adminKey, { displayName: `Flood auditor ${i}` })).body.apiKey);
    }
    const seconds = quick ? 5 : 30;
    if (runs('flood')) {
      // The same report load without streams first: what /health costs under the load itself.
      await revenueFlood(s, consumers[0], seconds, 'revenue reports alone (baseline for the flood)', []);
      const sockets = unreadStreams(s, auditors, 8);
      await revenueFlood(s, consumers[1], seconds, `event-stream flood (${sockets.length} unread streams)`, sockets);
    }

    if (!runs('verify')) return;
    // Six audit verifications at once over the whole log (Low: 6 parallel froze /health 5.5 s before they ran on worker threads).
    const projections = (await s.call('GET', '/health', s.adminKey)).body.projections as unknown as Array<{ position: number }>;
    const logHead = Math.max(0, ...projections.map((p) => p.position));
    let verified = 0;
    let busy = 0;
    const verifies = await sampleHealth(s, async () => {
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          const r = await s.call('GET', '/v1/audit/verify', auditors[0]);
          if (r.status === 200) verified++;
          else busy++;
        }),
      );
    });
    const verifyName = `6 parallel audit verifications`;
    report(`${verifyName}: answered in full`, verified, `(${busy} refused busy)`);
    report(`${verifyName}: events in the log`, logHead, '');
    printSampled(verifyName, verifies);
  } finally {
    s.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
