/**
 * `npm run bench:load`: the built service (dist/src/main.js) as a child
 * process on a temp data dir, driven with autocannon on 127.0.0.1 only, for
 * a bounded time per scenario: mixed reads, revenue reports (a fresh
 * Idempotency-Key each), uploads (distinct small files), then /health latency
 * sampled while a large generated upload (200 MB; 20 MB with BENCH_QUICK=1)
 * streams in and is processed. Prints requests/s, p50/p99 and errors;
 * asserts nothing (figures, not tests).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { quick, report } from './bench-report';
import { startBuiltService } from './built-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}>;

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? (quick ? 3 : 20));
const BIG_UPLOAD_MB = quick ? 20 : 200;
const LICENSE = fs.readFileSync('/usr/share/common-licenses/GPL-3', 'utf8').replace(/\n\s*\n/g, '\n');

function multipart(boundary: string, fileName: string, content: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
}

/** A distinct document per n: the license with its lines rotated and numbered. */
function docFor(n: number): string {
  const lines = LICENSE.split('\n');
  const k = n % lines.length;
  return [`Document ${n}.`, ...lines.slice(k), ...lines.slice(0, k)].join('\n');
}

function printScenario(name: string, r: Awaited<ReturnType<typeof autocannon>>): void {
  report(`${name}: requests/s`, r.requests.average, 'req/s');
  report(`${name}: latency p50`, r.latency.p50, 'ms');
  report(`${name}: latency p99`, r.latency.p99, 'ms');
  report(`${name}: non-2xx responses`, r.non2xx, 'responses');
  report(`${name}: errors (connection, timeout)`, r.errors + r.timeouts, 'errors');
}

async function main(): Promise<void> {
  const service = await startBuiltService();
  const { base, adminKey } = service;
  try {
    const consumer = await service.call('POST', '/v1/consumers', adminKey, { displayName: 'Load Corp' });
    const consumerId = consumer.body.consumerId;
    await service.call('PUT', `/v1/consumers/${consumerId}/agreement`, adminKey, { alpha: '0.3', currency: 'USD', policy: 'snapshot' });
    const contributors: Array<Record<string, string>> = [];
    for (let i = 0; i < 4; i++)
      contributors.push((await service.call('POST', '/v1/contributors', adminKey, { displayName: `Load ${i}` })).body);
    const uploaded = await fetch(`${base}/v1/datasets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${contributors[0].apiKey}`, 'Content-Type': 'multipart/form-data; boundary=seed' },
      body: multipart('seed', 'seed.txt', docFor(0)),
    });
    const datasetId = ((await uploaded.json()) as { datasetId: string }).datasetId;
    const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

    const reads = await autocannon({
      url: base,
      connections: 16,
      duration: SECONDS,
      requests: [
        { method: 'GET', path: '/v1/pool', headers: auth(adminKey) },
        { method: 'GET', path: `/v1/contributors/${contributors[0].contributorId}/metrics`, headers: auth(contributors[0].apiKey) },
        { method: 'GET', path: `/v1/datasets/${datasetId}`, headers: auth(contributors[0].apiKey) },
        { method: 'GET', path: '/v1/me', headers: auth(consumer.body.apiKey) },
      ],
    });
    printScenario('mixed reads (pool, metrics, dataset, me)', reads);

    let n = 0;
    const revenue = await autocannon({
      url: base,
      connections: 8,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/v1/revenue',
          setupRequest: (req: Record<string, unknown>) => ({
            ...req,
            headers: { ...auth(consumer.body.apiKey), 'Content-Type': 'application/json', 'Idempotency-Key': `load-${++n}` },
            body: JSON.stringify({
              amount: `${1 + (n % 900)}.00`,
              currency: 'USD',
              periodStart: '2025-01-01T00:00:00Z',
              periodEnd: '2025-02-01T00:00:00Z',
            }),
          }),
        },
      ],
    });
    printScenario('revenue reports (fresh Idempotency-Key each)', revenue);

    let u = 0;
    const uploads = await autocannon({
      url: base,
      connections: 4,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/v1/datasets',
          setupRequest: (req: Record<string, unknown>) => {
            const i = ++u;
            return {
              ...req,
              headers: { ...auth(contributors[i % contributors.length].apiKey), 'Content-Type': 'multipart/form-data; boundary=b0undary' },
              body: multipart('b0undary', `load-${i}.txt`, docFor(i)),
            };
          },
        },
      ],
    });
    printScenario('uploads (distinct ~35 KB text files)', uploads);

    // /health while a large upload streams in and is processed.
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const t0 = process.hrtime.bigint();
        await (await fetch(`${base}/health`)).arrayBuffer();
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${base}/v1/datasets`,
        { method: 'POST', headers: { ...auth(contributors[1].apiKey), 'Content-Type': 'multipart/form-data; boundary=bigb' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write('--bigb\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n');
      let written = 0;
      let i = 0;
      const target = BIG_UPLOAD_MB * 1024 * 1024;
      const pump = (): void => {
        while (written < target) {
          const chunk = `${docFor(++i)}\n\n`;
          written += Buffer.byteLength(chunk);
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end('\r\n--bigb--\r\n');
      };
      pump();
    });
    const uploadSeconds = (Date.now() - t0) / 1000;
    // Keep sampling while the big file is processed (bounded).
    await new Promise((r) => setTimeout(r, quick ? 3000 : 20_000));
    sampling = false;
    await sampler;
    samples.sort((a, b) => a - b);
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
    report(`large upload ${BIG_UPLOAD_MB} MB: HTTP status`, status, '');
    report(`large upload ${BIG_UPLOAD_MB} MB: streamed in`, uploadSeconds, 's');
    report('/health during the large upload + processing: samples', samples.length, '');
    report('/health during the large upload + processing: p50', pct(50), 'ms');
    report('/health during the large upload + processing: p99', pct(99), 'ms');
    report('/health during the large upload + processing: max', samples[samples.length - 1], 'ms');
  } finally {
    service.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
