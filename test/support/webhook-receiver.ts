/**
 * A real HTTP receiver for webhook tests: a node http server on 127.0.0.1
 * that records every request it gets (method, headers, raw body, parsed
 * JSON) and answers what the test's responder says (status, body, delay,
 * or "hold" until released).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  // Tests read fields of payloads they just received.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  at: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Keep the request open until release() (a receiver that hangs). */
  hold?: boolean;
}

export type Responder = (req: ReceivedRequest, index: number) => Answer;

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server?: http.Server;
  private held: Array<() => void> = [];
  responder: Responder = () => ({ status: 200 });
  port = 0;

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const received: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body,
          json,
          at: Date.now(),
        };
        this.requests.push(received);
        const answer = this.responder(received, this.requests.length - 1);
        const send = (): void => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? '');
        };
        if (answer.hold) this.held.push(send);
        else if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Answers every held request. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const send of held) send();
  }

  get holding(): number {
    return this.held.length;
  }

  /** Waits until `predicate` holds for the requests received (polling; fails after timeoutMs with what was received). */
  async waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs = 15_000): Promise<ReceivedRequest[]> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      if (Date.now() > until) {
        throw new Error(
          `receiver: condition not met within ${timeoutMs} ms; got ${this.requests.length} requests: ${this.requests.map((r) => r.body.slice(0, 120)).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.requests;
  }

  async stop(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
