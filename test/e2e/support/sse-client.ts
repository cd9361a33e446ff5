/**
 * A minimal Server-Sent Events reader for tests (EventSource cannot send an
 * Authorization header). Collects parsed messages; `next(pred)` waits for one.
 */
import * as http from 'node:http';

export interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  messages: SseMessage[];
  /** Raw text received so far (comments included). */
  raw(): string;
  /** Resolves with the first message (already received or future) matching pred. */
  next(pred?: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      let buffer = '';
      const messages: SseMessage[] = [];
      const waiters: Array<() => void> = [];
      res.on('data', (chunk: string) => {
        text += chunk;
        buffer += chunk;
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const m: SseMessage = { data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'event') m.event = value;
            else if (field === 'id') m.id = value;
            else if (field === 'data') {
              m.data = hasData ? `${m.data}\n${value}` : value;
              hasData = true;
            }
          }
          if (hasData) messages.push(m);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('end', () => {
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        messages,
        raw: () => text,
        next(pred = () => true, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no matching SSE message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
              timeoutMs,
            );
            const check = (): void => {
              const hit = messages.find(pred);
              if (hit) {
                clearTimeout(timer);
                ok(hit);
              } else if (res.complete) {
                clearTimeout(timer);
                fail(new Error(`SSE stream ended without a matching message; got ${JSON.stringify(messages)}`));
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

/** Resolves once the raw stream contains text (e.g. the ": connected" comment). */
export async function waitForText(conn: SseConnection, text: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!conn.raw().includes(text)) {
    if (Date.now() > until) throw new Error(`SSE stream never contained ${JSON.stringify(text)}; got ${JSON.stringify(conn.raw())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
