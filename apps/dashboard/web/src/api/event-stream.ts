/**
 * GET /v1/events read with fetch() streaming rather than EventSource:
 * EventSource cannot send the Authorization header, and a key in the URL
 * would end up in logs and history. Reconnects with backoff, sending
 * Last-Event-ID when the server gave ids.
 */
export interface StreamMessage {
  event: string;
  data: string;
  id?: string;
}

export type StreamState = 'connecting' | 'open' | 'closed';

export interface EventStreamOptions {
  apiKey: string;
  onMessage: (m: StreamMessage) => void;
  onState: (s: StreamState) => void;
  url?: string;
}

/** Parses the text/event-stream format (WHATWG HTML, "server-sent events"). */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  lastId: string | undefined;

  constructor(private readonly emit: (m: StreamMessage) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0 || this.event) {
        if (this.id !== undefined) this.lastId = this.id;
        this.emit({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}

export function openEventStream(options: EventStreamOptions): () => void {
  const url = options.url ?? '/v1/events';
  let stopped = false;
  let controller: AbortController | undefined;
  let retryMs = 500;
  let lastId: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    if (stopped) return;
    options.onState('connecting');
    controller = new AbortController();
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'text/event-stream' };
      if (lastId) headers['last-event-id'] = lastId;
      const res = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
      options.onState('open');
      retryMs = 500;
      const parser = new EventStreamParser(options.onMessage);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        lastId = parser.lastId ?? lastId;
      }
    } catch {
      // Dropped or refused: fall through to a delayed reconnect.
    }
    if (stopped) return;
    options.onState('closed');
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15_000);
  };
  void connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    controller?.abort();
  };
}
