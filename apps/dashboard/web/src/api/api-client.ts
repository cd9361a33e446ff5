/**
 * The dashboard's only way to the ledger: the public REST API (issue 4 item 5,
 * issue 5 item 6). Every read carries the as-of selection, so one switch in
 * the header re-renders every number at that point of the log.
 */
import type { AsOf } from '../as-of';

/** RFC 7807 problem details, as the API sends them. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  field?: string;
  hint?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problemText(problem));
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

export function problemText(p: Problem): string {
  const main = p.detail || p.title || `HTTP ${p.status}`;
  const parts = [main];
  if (p.field) parts.push(`(field: ${p.field})`);
  if (p.hint) parts.push(`: ${p.hint}`);
  return parts.join(' ');
}

export type Query = Record<string, string | number | undefined | null>;

export function asOfQuery(asOf: AsOf): Query {
  if (asOf.kind === 'position') return { atPosition: asOf.position };
  if (asOf.kind === 'time') return { asOf: asOf.time };
  return {};
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function problemOf(res: Response): Promise<Problem> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // A body that is not JSON (a proxy's page, an empty 404) still has a status.
  }
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const message = Array.isArray(body.message) ? body.message.join('; ') : str('message');
  return {
    status: res.status,
    title: str('title') ?? str('error'),
    detail: str('detail') ?? message,
    code: str('code'),
    field: str('field'),
    hint: str('hint'),
  };
}

export class ApiClient {
  constructor(
    readonly apiKey: string,
    private readonly base = '',
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}`, accept: 'application/json, application/problem+json', ...extra };
  }

  async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const hasBody = options.body !== undefined;
    const res = await fetch(this.base + withQuery(path, options.query), {
      method,
      headers: this.headers({ ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers }),
      body: hasBody ? JSON.stringify(options.body) : undefined,
    });
    if (!res.ok) throw new ApiError(await problemOf(res));
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A GET whose answer is not JSON (a CSV export): the text as served. */
  async text(path: string, query?: Query): Promise<string> {
    const res = await fetch(this.base + withQuery(path, query), {
      headers: this.headers({ accept: 'text/csv, application/problem+json' }),
    });
    if (!res.ok) throw new ApiError(await problemOf(res));
    return res.text();
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  /** GET that answers undefined for a 404 (a payout run that does not exist yet, an optional route). */
  async getOrUndefined<T>(path: string, query?: Query): Promise<T | undefined> {
    try {
      return await this.get<T>(path, query);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * Multipart upload through XMLHttpRequest: fetch() has no upload progress,
   * and a contributor uploading a large file must see it move.
   */
  upload<T>(path: string, form: FormData, onProgress: (loaded: number, total: number) => void): { done: Promise<T>; abort: () => void } {
    const xhr = new XMLHttpRequest();
    const done = new Promise<T>((resolve, reject) => {
      xhr.open('POST', this.base + path);
      xhr.setRequestHeader('authorization', `Bearer ${this.apiKey}`);
      xhr.setRequestHeader('accept', 'application/json, application/problem+json');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      };
      xhr.onload = () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(xhr.responseText || '{}') as Record<string, unknown>;
        } catch {
          // keep the status
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
        else {
          const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
          reject(
            new ApiError({
              status: xhr.status,
              title: str('title'),
              detail: str('detail') ?? str('message'),
              code: str('code'),
              field: str('field'),
              hint: str('hint'),
            }),
          );
        }
      };
      xhr.onerror = () => reject(new ApiError({ status: 0, detail: 'The upload failed: network error.' }));
      xhr.onabort = () => reject(new ApiError({ status: 0, detail: 'The upload was cancelled.' }));
      xhr.send(form);
    });
    return { done, abort: () => xhr.abort() };
  }
}
