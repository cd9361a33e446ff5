/**
 * The built service (dist/src/main.js) as a child process on a temp data
 * dir, for the benchmarks that drive it over HTTP on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const MAIN_JS = path.join(__dirname, '..', 'src', 'main.js');

export interface BuiltService {
  base: string;
  adminKey: string;
  child: ChildProcess;
  /** Resident memory of the service process now, in MiB (VmRSS), or NaN off Linux. */
  rssMiB(): number;
  /** GET /health; answers the milliseconds it took. */
  healthMs(): Promise<number>;
  /** A JSON call with a key; answers status and parsed body. */
  call(method: string, url: string, key: string, json?: unknown): Promise<{ status: number; body: Record<string, string> }>;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the service with production settings (rate limits off) plus `env`, and waits until /health answers. */
export async function startBuiltService(env: Record<string, string> = {}): Promise<BuiltService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-bench-'));
  const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: adminKey,
      RATE_LIMIT_PER_MINUTE: '0',
      AUTH_FAILURES_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const service: BuiltService = {
    base,
    adminKey,
    child,
    rssMiB() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : Number.NaN;
      } catch {
        return Number.NaN;
      }
    },
    async healthMs() {
      const t0 = process.hrtime.bigint();
      await (await fetch(`${base}/health`)).arrayBuffer();
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    async call(method, url, key, json) {
      const r = await fetch(`${base}${url}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, ...(json ? { 'Content-Type': 'application/json' } : {}) },
        body: json ? JSON.stringify(json) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : {} };
    },
    stop() {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
      try {
        await service.healthMs();
        return service;
      } catch {
        if (i > 600) throw new Error('the service did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    service.stop();
    throw e;
  }
}
