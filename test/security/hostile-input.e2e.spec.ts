import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import fc from 'fast-check';
import { createSecurityWorld, PERIOD, prose, waitDecided, type SecurityWorld } from './support/security-fixture';

/**
 * Hostile input against every JSON route and the upload route of the real
 * app: each request must end in a 4xx problem+json (never a 5xx), write
 * nothing to the log, and leave Object.prototype as it was.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

/** Values no field of any route accepts: wrong JSON types, huge numbers, deep nesting, control characters. */
const invalidValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, true, false, 0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[[[]]]]]),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(fc.string(), { maxLength: 5 }),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'), fc.jsonValue(), { maxKeys: 3 }),
    // A string with a control character somewhere (CR, LF, NUL, ESC...): no field is allowed one.
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\r\n', '\n', '\r', '\u0000', '\u001b', '\u0007'), fc.string({ maxLength: 20 }))
      .map(([a, c, b]) => `${a}${c}${b}`),
  );

interface JsonRoute {
  name: string;
  method: 'post' | 'put';
  path: (w: SecurityWorld) => string;
  key: (w: SecurityWorld) => string;
  valid: (w: SecurityWorld) => Record<string, unknown>;
  headers?: Record<string, string>;
}

const JSON_ROUTES: JsonRoute[] = [
  {
    name: 'POST /v1/contributors',
    method: 'post',
    path: () => '/v1/contributors',
    key: (w) => w.t.adminKey,
    valid: () => ({ displayName: 'Fuzz' }),
  },
  {
    name: 'POST /v1/consumers',
    method: 'post',
    path: () => '/v1/consumers',
    key: (w) => w.t.adminKey,
    valid: () => ({ displayName: 'Fuzz' }),
  },
  {
    name: 'POST /v1/auditors',
    method: 'post',
    path: () => '/v1/auditors',
    key: (w) => w.t.adminKey,
    valid: () => ({ displayName: 'Fuzz' }),
  },
  {
    name: 'POST /v1/api-keys',
    method: 'post',
    path: () => '/v1/api-keys',
    key: (w) => w.t.adminKey,
    valid: (w) => ({ role: 'contributor', subjectId: w.contributor.id }),
  },
  {
    name: 'PUT /v1/consumers/{id}/agreement',
    method: 'put',
    path: (w) => `/v1/consumers/${w.consumer.id}/agreement`,
    key: (w) => w.t.adminKey,
    valid: () => ({ alpha: '0.4', currency: 'USD', policy: 'snapshot' }),
  },
  {
    name: 'POST /v1/contributors/{id}/settlements',
    method: 'post',
    path: (w) => `/v1/contributors/${w.contributor.id}/settlements`,
    key: (w) => w.t.adminKey,
    valid: () => ({ amount: '0.01', currency: 'USD', reference: 'fuzz' }),
  },
  {
    name: 'POST /v1/revenue',
    method: 'post',
    path: () => '/v1/revenue',
    key: (w) => w.consumer.apiKey,
    valid: () => ({ amount: '10.00', currency: 'USD', ...PERIOD }),
    headers: { 'Idempotency-Key': 'fuzz-key' },
  },
  {
    name: 'POST /v1/webhooks',
    method: 'post',
    path: () => '/v1/webhooks',
    key: (w) => w.consumer.apiKey,
    valid: () => ({ url: 'https://hooks.example.invalid/fuzz', eventTypes: ['RevenueReported'], description: 'fuzz' }),
  },
];

describe(`hostile input (real app, embedded stores; fast-check seed ${SEED}, ${RUNS} runs per property)`, () => {
  let w: SecurityWorld;
  let protoBefore: string[];
  beforeAll(async () => {
    protoBefore = prototypeKeys();
    w = await createSecurityWorld({ env: { JSON_BODY_MAX_BYTES: '65536', UPLOAD_MAX_BYTES: '1048576' } });
  });
  afterAll(async () => {
    await w?.t.close();
    expect(prototypeKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const expectRefused = (res: { status: number; headers: Record<string, string>; text: string }, what: string) => {
    expect({ what, status: res.status >= 400 && res.status < 500 ? '4xx' : res.status, body: res.status >= 500 ? res.text : '' }).toEqual({
      what,
      status: '4xx',
      body: '',
    });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  };

  describe.each(JSON_ROUTES.map((r) => [r.name, r] as const))('%s', (_name, route) => {
    const send = (raw: string, contentType = 'application/json') => {
      let req = w.t.http[route.method](route.path(w))
        .set('Authorization', `Bearer ${route.key(w)}`)
        .set('Content-Type', contentType);
      for (const [k, v] of Object.entries(route.headers ?? {})) req = req.set(k, v);
      return req.send(raw);
    };

    it('bodies with hostile fields (wrong types, huge numbers, control characters, __proto__/constructor keys): 4xx problem+json, nothing written, no pollution', async () => {
      const fields = Object.keys(route.valid(w));
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(fields, { minLength: 1 }),
          fc.array(invalidValue(), { minLength: fields.length, maxLength: fields.length }),
          fc.boolean(),
          async (broken, values, polluteKeys) => {
            const body: Record<string, unknown> = { ...route.valid(w) };
            broken.forEach((f, i) => (body[f] = values[i]));
            let raw = JSON.stringify(body);
            // Own "__proto__"/"constructor" keys as a JSON parser sees them (an object literal would set the prototype instead).
            if (polluteKeys) raw = raw.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},');
            const before = await w.head();
            const res = await send(raw);
            expectRefused(res, raw.slice(0, 200));
            expect(await w.head()).toBe(before);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it('any JSON value as the whole body (arrays, scalars, random objects): never a 5xx; a refusal writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
          const before = await w.head();
          const res = await send(JSON.stringify(value) ?? 'null');
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
            expect(await w.head()).toBe(before);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it.each([
      ['malformed JSON', '{"displayName": "x",', 'application/json'],
      ['deeply nested arrays', `${'['.repeat(20000)}${']'.repeat(20000)}`, 'application/json'],
      ['deeply nested objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 'application/json'],
      ['a body over JSON_BODY_MAX_BYTES', JSON.stringify({ displayName: 'x'.repeat(200_000) }), 'application/json'],
      ['a form instead of JSON', 'displayName=x', 'application/x-www-form-urlencoded'],
      ['text/plain', '{"displayName":"x"}', 'text/plain'],
      ['a JSON string', '"just a string"', 'application/json'],
    ])('%s: 4xx problem+json, nothing written', async (what, raw, type) => {
      const before = await w.head();
      const res = await send(raw, type);
      expectRefused(res, what);
      expect(await w.head()).toBe(before);
    });
  });

  it('a lone surrogate (\\ud800, not encodable as UTF-8) is refused or stored so that the hash chains still verify', async () => {
    const res = await w.t.http
      .post('/v1/contributors')
      .set(w.t.auth())
      .set('Content-Type', 'application/json')
      .send('{"displayName":"Lone \\ud800 surrogate"}');
    expect(res.status).toBeLessThan(500);
    const { verifyChain } = await import('@1tt/event-store');
    expect(await verifyChain(w.events.readAll())).toMatchObject({ ok: true });
  });

  it('query parameters: hostile asOf / atPosition / limit / cursor on every read route are 4xx, never 5xx', async () => {
    const routes = [
      '/v1/pool',
      `/v1/contributors/${w.contributor.id}/metrics`,
      `/v1/contributors/${w.contributor.id}/payouts`,
      `/v1/contributors/${w.contributor.id}/audit-trail`,
      `/v1/contributors/${w.contributor.id}/datasets`,
      '/v1/audit/events',
      '/v1/audit/verify',
    ];
    const bad = fc.oneof(
      fc.constantFrom(
        '-1',
        '1e309',
        'NaN',
        'Infinity',
        '0x10',
        '1.5',
        '99999999999999999999999',
        '',
        ' ',
        '../..',
        '%00',
        "1' OR '1'='1",
        'null',
        '[]',
      ),
      fc.string({ maxLength: 30 }).filter((s) => !/^\d{1,3}$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom('asOf', 'atPosition', 'limit'), bad, async (route, param, value) => {
        const res = await w.t.http.get(`${route}?${param}=${encodeURIComponent(value)}`).set(w.t.auth());
        expect({ route, param, value, status: res.status }).toEqual({
          route,
          param,
          value,
          status: res.status < 500 ? res.status : 'no 5xx',
        });
        if (res.status >= 400) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
    const paged = new Set([
      '/v1/pool',
      `/v1/contributors/${w.contributor.id}/payouts`,
      `/v1/contributors/${w.contributor.id}/audit-trail`,
      `/v1/contributors/${w.contributor.id}/datasets`,
      '/v1/audit/events',
    ]);
    for (const route of routes) {
      for (const q of [
        'atPosition=-1',
        'atPosition=abc',
        'asOf=yesterday',
        'asOf=2025-13-45T00:00:00Z',
        ...(paged.has(route) ? ['limit=0', 'limit=100000'] : []),
      ]) {
        const res = await w.t.http.get(`${route}?${q}`).set(w.t.auth());
        expect({ route, q, status: res.status }).toEqual({ route, q, status: 400 });
      }
    }
  }, 180_000);

  it('path parameters: traversal, NUL, huge and odd ids are 4xx, never 5xx, and write nothing', async () => {
    const before = await w.head();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(
            '..%2F..%2Fetc%2Fpasswd',
            '%00',
            '%2e%2e',
            'a'.repeat(5000),
            '%E2%80%AE',
            '__proto__',
            'constructor',
            '%0d%0aX-Injected:%201',
          ),
          fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
        ),
        fc.constantFrom(
          '/v1/datasets/{}',
          '/v1/datasets/{}/report',
          '/v1/contributors/{}/datasets',
          '/v1/contributors/{}/metrics',
          '/v1/revenue/{}',
          '/v1/payout-runs/{}',
          '/v1/api-keys/{}',
        ),
        async (id, template) => {
          const res = await w.t.http.get(template.replace('{}', id)).set(w.t.auth());
          expect({ template, id, status: res.status }).toEqual({ template, id, status: res.status < 500 ? res.status : 'no 5xx' });
          expect(res.headers['x-injected']).toBeUndefined();
          const del = await w.t.http.delete(`/v1/datasets/${id}`).set(w.t.auth());
          expect(del.status).toBeGreaterThanOrEqual(400);
          expect(del.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    expect(await w.head()).toBe(before);
  });

  /** A raw HTTP/1.1 request, so header bytes a client library would refuse (CR, LF, NUL) reach the server. */
  function rawRequest(head: string, body: string): Promise<string> {
    const url = new URL(w.t.baseUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () =>
        socket.end(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
      );
      let out = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (out += d));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
  }

  it.each([
    ['bare LF', 'k1\nX-Injected: yes'],
    ['bare CR', 'k2\rX-Injected: yes'],
    ['NUL', 'k3\u0000tail'],
    ['obs-fold continuation', 'k4\r\n X-Injected: yes'],
    ['spaces', 'has spaces'],
    ['an over-long key', 'k'.repeat(5000)],
    ['non-ASCII', 'clé-été'],
  ])('an Idempotency-Key with %s is refused (4xx), writes nothing and is never echoed into a header', async (_what, key) => {
    const before = await w.head();
    const body = JSON.stringify({ amount: '5.00', currency: 'USD', ...PERIOD });
    const out = await rawRequest(
      `POST /v1/revenue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${w.consumer.apiKey}\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}`,
      body,
    );
    const [statusLine, ...rest] = out.split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    const headerBlock = rest.slice(0, rest.indexOf('')).join('\n').toLowerCase();
    expect(headerBlock).not.toContain('x-injected');
    expect(await w.head()).toBe(before);
  });

  describe('uploads', () => {
    const upload = (key: string, name: string, content: string | Buffer) =>
      w.t.http
        .post('/v1/datasets')
        .set(w.t.auth(key))
        .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);

    it('file names with traversal, separators, NUL, CRLF or only dots never escape the blob store: refused, or kept as a bare base name', async () => {
      const names = [
        '../../../../etc/passwd.txt',
        '..\\..\\windows\\win.ini.txt',
        '/abs/path.txt',
        'a/../../b.txt',
        'nul\u0000byte.txt',
        'crlf\r\nX-Injected: 1.txt',
        '....txt',
        '.txt',
        '..',
        '%2e%2e%2fescape.txt',
        'x'.repeat(1000) + '.txt',
        '\u202Etxt.exe',
      ];
      let seed = 9000;
      for (const name of names) {
        const before = await w.head();
        const res = await upload(w.contributor.apiKey, name, `${prose(++seed, 'Apache-2.0')}\n`);
        expect([202, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
          expect(await w.head()).toBe(before);
          continue;
        }
        const view = await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId);
        const stored = String(view.fileName);
        expect({ name, stored, bad: /[\\/\r\n]/.test(stored) || stored.includes('\u0000') || stored === '..' || stored === '.' }).toEqual({
          name,
          stored,
          bad: false,
        });
      }
      // Nothing was written outside the data dir's blob store.
      expect(fs.existsSync(path.join(w.t.dataDir, '..', 'passwd.txt'))).toBe(false);
      expect(fs.existsSync('/etc/passwd.txt')).toBe(false);
    });

    it.each([
      ['no file part', (r: ReturnType<SecurityWorld['t']['http']['post']>) => r.field('textField', 'text')],
      [
        'an unsupported type',
        (r: ReturnType<SecurityWorld['t']['http']['post']>) => r.attach('file', Buffer.from('MZ\u0090\u0000'), 'tool.exe'),
      ],
      ['JSON instead of multipart', (r: ReturnType<SecurityWorld['t']['http']['post']>) => r.send({ file: 'x' })],
      [
        'a file over UPLOAD_MAX_BYTES',
        (r: ReturnType<SecurityWorld['t']['http']['post']>) => r.attach('file', Buffer.alloc(2 * 1024 * 1024, 'word '), 'big.txt'),
      ],
    ])('%s: 4xx problem+json, nothing written', async (_what, build) => {
      const before = await w.head();
      const res = await build(w.t.http.post('/v1/datasets').set(w.t.auth(w.contributor.apiKey)));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await w.head()).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('a jsonl whose text field is "__proto__" and whose records carry __proto__ keys pollutes nothing and is decided', async () => {
      const lines = [
        JSON.stringify({ text: 'x' }).replace('"text"', '"__proto__"'),
        `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"text":${JSON.stringify(prose(777, 'GPL-2'))}}`,
      ].join('\n');
      const res = await w.t.http
        .post('/v1/datasets')
        .set(w.t.auth(w.contributor.apiKey))
        .field('textField', '__proto__')
        .attach('file', Buffer.from(`${lines}\n`), 'p.jsonl');
      expect([202, 400]).toContain(res.status);
      if (res.status === 202) expect((await waitDecided(w.t, w.contributor.apiKey, res.body.datasetId)).status).not.toBe('processing');
      const again = await w.t.http
        .post('/v1/datasets')
        .set(w.t.auth(w.contributor.apiKey))
        .attach('file', Buffer.from(`${lines.replace('"__proto__":"x"', '"a":"x"')}\n`), 'q.jsonl');
      expect(again.status).toBe(202);
      await waitDecided(w.t, w.contributor.apiKey, again.body.datasetId);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(prototypeKeys()).toEqual(protoBefore);
    });

    it('a truncated multipart body (client gone mid-file) and a slow trickle cut off before its end write nothing; the service keeps serving', async () => {
      const before = await w.head();
      const boundary = 'trunc0boundary';
      const head = `POST /v1/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${w.contributor.apiKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n`;
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.txt"\r\nContent-Type: text/plain\r\n\r\n${prose(4242).slice(0, 20000)}`;
      const url = new URL(w.t.baseUrl);
      // Truncated: the declared length never arrives, the client closes.
      await new Promise<void>((resolve) => {
        const s = net.connect(Number(url.port), url.hostname, () => {
          s.write(head + part);
          setTimeout(() => s.destroy(), 200);
        });
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
      // Slow: a few bytes at a time, then gone.
      await new Promise<void>((resolve) => {
        const s = net.connect(Number(url.port), url.hostname, async () => {
          s.write(head);
          for (let i = 0; i < 20; i++) {
            s.write(part.slice(i * 50, (i + 1) * 50));
            await new Promise((r) => setTimeout(r, 25));
          }
          s.destroy();
        });
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(await w.head()).toBe(before);
      await w.t.http.get('/health').expect(200);
      const ok = await upload(w.contributor.apiKey, 'after.txt', `${prose(4343)}\n`);
      expect(ok.status).toBe(202);
    });
  });
});
