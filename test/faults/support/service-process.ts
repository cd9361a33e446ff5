/**
 * The built service (node dist/src/main.js) as a child process on a data
 * directory, for tests that kill it, starve it or read its output. Every
 * byte it writes to stdout/stderr is kept (output()), so a test can assert
 * what was — and was not — logged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { shuffledLicense } from '../../support/license-texts';

/** ONETT_DIST: another build directory (default dist/, what `npm run build` writes). */
export const MAIN_JS = path.join(process.env.ONETT_DIST ?? path.join(__dirname, '..', '..', '..', 'dist'), 'src', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceOptions {
  dataDir: string;
  /** ADMIN_API_KEY; undefined leaves it unset (the service then generates one and prints it once). */
  adminKey?: string;
  env?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  // Tests read fields from bodies they just asserted the status of.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private chunks: Buffer[] = [];
  port = 0;

  constructor(readonly options: ServiceOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process has written to stdout and stderr (over every start). */
  output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  async start(timeoutMs = 60_000): Promise<void> {
    if (!fs.existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
    this.port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATA_DIR: this.options.dataDir,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '0',
      AUTH_FAILURES_PER_MINUTE: '0',
      WORKER_THREADS: '1',
      ...(this.options.adminKey ? { ADMIN_API_KEY: this.options.adminKey } : {}),
      ...this.options.env,
    };
    const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (b: Buffer) => this.chunks.push(b));
    child.stderr?.on('data', (b: Buffer) => this.chunks.push(b));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`service exited during start-up:\n${this.output().slice(-4000)}`);
      try {
        const r = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        return;
      } catch {
        if (Date.now() > until) throw new Error(`service did not answer within ${timeoutMs} ms:\n${this.output().slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests are cut. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM and wait for the graceful exit. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    if (!this.child || !this.running) return this.exited ? await this.exited : undefined;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 30_000);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }

  async request(
    method: string,
    url: string,
    options: { key?: string; json?: unknown; headers?: Record<string, string>; body?: RequestInit['body']; timeoutMs?: number } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.Authorization = `Bearer ${options.key}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const r = await fetch(`${this.baseUrl}${url}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, headers: r.headers, text, body: parsed };
  }

  upload(key: string, fileName: string, content: Buffer | string, fields: Record<string, string> = {}): Promise<HttpAnswer> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([content]), fileName);
    return this.request('POST', '/v1/datasets', { key, body: form, timeoutMs: 120_000 });
  }
}

/** A small deterministic PRNG so a seed reproduces a run (the one copy, in bench/). */
export { seededRandom } from '../../../bench/seeded-random';

/** Real prose (a Debian license) with a seeded word order per line: kept by the filters, unlike any other seed's. */
export function prose(seed: number, name = 'GPL-3'): string {
  return shuffledLicense(name, seed);
}
