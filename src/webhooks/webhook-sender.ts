/**
 * One delivery attempt: POST the body, at most `timeoutMs` for connect and
 * answer, no redirects followed (a 3xx is an answer like any other), the
 * response body kept only up to 1 KiB. The address is checked at connect
 * time: an IP-literal host before connecting, a host name in the DNS lookup
 * hook of this very connection (so DNS rebinding between the check and the
 * connect is impossible: the socket goes to the address that was checked).
 * A fresh connection per attempt (no keep-alive pool that could outlive a
 * DNS change).
 */
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal } from './webhook-address.policy';

export const RESPONSE_BODY_LIMIT = 1024;

export type AttemptOutcome = 'delivered' | 'retry' | 'stop';

export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode?: number;
  latencyMs: number;
  /** Why it was not delivered (never contains the secret or the body sent). */
  error?: string;
  /** The first 1 KiB of the receiver's answer. */
  responseBody?: string;
  /** The address refused (SSRF rule): the attempt never left the process. */
  refused?: boolean;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

class AddressRefused extends Error {}

/** 2xx: delivered. 408, 429, 5xx, timeouts and connection errors: retried. Any other answer (3xx, 4xx): not retried. */
export function outcomeOf(statusCode: number): AttemptOutcome {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'retry';
  return 'stop';
}

function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      if (!allowPrivate) {
        for (const a of list) {
          const reason = addressRefusal(a.address);
          if (reason !== undefined)
            return callback(new AddressRefused(`${hostname} resolves to a ${reason} address (${a.address})`), '', 0);
        }
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

export function sendWebhook(url: URL, headers: Record<string, string>, body: string, options: SendOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) !== 0) {
    const reason = addressRefusal(host);
    if (reason !== undefined)
      return Promise.resolve({ outcome: 'stop', refused: true, latencyMs: 0, error: `address refused: ${host} is a ${reason} address` });
  }
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const payload = Buffer.from(body, 'utf8');
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: false,
      lookup: checkedLookup(options.allowPrivate),
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length), connection: 'close' },
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({ outcome: 'retry', latencyMs: elapsed(), error: `timeout: no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    request.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof AddressRefused)
        finish({ outcome: 'stop', refused: true, latencyMs: elapsed(), error: `address refused: ${e.message}` });
      else finish({ outcome: 'retry', latencyMs: elapsed(), error: `connection error: ${e.code ?? e.message}` });
    });
    request.on('response', (res) => {
      const statusCode = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        const responseBody = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
        const outcome = outcomeOf(statusCode);
        const error =
          outcome === 'delivered'
            ? undefined
            : statusCode >= 300 && statusCode < 400
              ? `HTTP ${statusCode}: redirects are not followed (Location: ${String(res.headers.location ?? '').slice(0, 200)})`
              : `HTTP ${statusCode}`;
        finish({ outcome, statusCode, latencyMs: elapsed(), responseBody, ...(error ? { error } : {}) });
        res.destroy();
      };
      res.on('data', (c: Buffer) => {
        if (size < RESPONSE_BODY_LIMIT) chunks.push(c);
        size += c.length;
        if (size >= RESPONSE_BODY_LIMIT) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    request.end(payload);
  });
}
