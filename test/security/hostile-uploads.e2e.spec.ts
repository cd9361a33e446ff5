import * as net from 'node:net';
import { createSecurityWorld, type SecurityWorld } from './support/security-fixture';

/**
 * Hostile uploads against the real app (issue #20): bodies that end in the
 * wrong place, files that expand, formats that lie about their size. Each
 * must be refused or rejected with a reason, and the process must keep
 * answering.
 */
describe('hostile uploads (real app, embedded stores)', () => {
  let w: SecurityWorld;
  beforeAll(async () => {
    w = await createSecurityWorld({ env: { UPLOAD_MAX_BYTES: '8388608' } });
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
});
