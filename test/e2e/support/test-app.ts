/**
 * Boots the real API (createApp, the same composition root as main) on fresh
 * embedded stores in a temp directory, listening on 127.0.0.1 on a free port.
 *
 *   const t = await startTestApp();
 *   const { apiKey } = await t.issueKey('contributor', 'c-1');
 *   await t.http.get('/v1/me').set(t.auth(apiKey)).expect(200);
 *   await t.close();
 *
 * Rate limiting (and the failed-authentication limit) is off unless `env.RATE_LIMIT_PER_MINUTE`
 * (`env.AUTH_FAILURES_PER_MINUTE`) is set; Nest's own
 * logging is silent unless `logs: true`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import request from 'supertest';
import type { Role } from '@1tt/access';
import { loadConfig, type AppConfig } from '@1tt/config';
import { createEventStore, GappedEventStore } from '@1tt/event-store';
import { createApp } from '../../../src/create-app';

export interface StartTestAppOptions {
  /** Extra environment (on top of DATA_DIR, ADMIN_API_KEY, RATE_LIMIT_PER_MINUTE=0 and AUTH_FAILURES_PER_MINUTE=0). */
  env?: Record<string, string | undefined>;
  /** Reuse a data directory (e.g. after close({ keepData: true })); default: a fresh temp dir. */
  dataDir?: string;
  /** false: no ADMIN_API_KEY, so the app generates and announces one (see `announced`). Default true. */
  adminKeyFromEnv?: boolean;
  /** Extra Nest modules, e.g. a fixture controller. */
  imports?: ModuleMetadata['imports'];
  /** Show Nest's logs (default: silent). */
  logs?: boolean;
  /**
   * Wrap the event store in GappedEventStore: positions with gaps that refuse
   * a computed cursor, as EventStoreDB's do (the SQLite file underneath is the same).
   */
  gappedPositions?: boolean;
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** supertest bound to the listening server: t.http.get('/health'). */
  http: ReturnType<typeof request>;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** An admin key: ADMIN_API_KEY, or the generated one when adminKeyFromEnv is false. */
  adminKey: string;
  dataDir: string;
  /** Lines the app announced on "stdout" (the generated admin key message). */
  announced: string[];
  /** { Authorization: 'Bearer <key>' } for .set(...); defaults to the admin key. */
  auth(apiKey?: string): { Authorization: string };
  /** Issues a key through POST /v1/api-keys as admin. */
  issueKey(role: Role, subjectId: string, label?: string): Promise<{ keyId: string; apiKey: string }>;
  /** Get any provider: t.get(ChangeFeed), t.get(EventStore). */
  get<T>(token: abstract new (...args: never[]) => T): T;
  /** Stops the app (graceful) and, unless keepData, deletes the data directory. */
  close(options?: { keepData?: boolean }): Promise<void>;
  /** close({ keepData: true }) then a new app on the same data directory and env. */
  restart(options?: Omit<StartTestAppOptions, 'dataDir'>): Promise<TestApp>;
}

export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), '1tt-e2e-'));
  const envAdminKey = options.adminKeyFromEnv === false ? undefined : `test-admin-${randomBytes(24).toString('base64url')}`;
  const env: Record<string, string | undefined> = {
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_FAILURES_PER_MINUTE: '0',
    ...(envAdminKey ? { ADMIN_API_KEY: envAdminKey } : {}),
    ...options.env,
  };
  const announced: string[] = [];
  let app: INestApplication;
  let config: AppConfig;
  try {
    config = loadConfig(env);
    const stores = options.gappedPositions
      ? { eventStore: new GappedEventStore(await createEventStore(config.eventStore.url)) }
      : undefined;
    app = await createApp(config, {
      ...(stores ? { stores } : {}),
      announce: (line) => announced.push(line),
      imports: options.imports,
      logger: options.logs ? undefined : false,
    });
    await app.listen(0, '127.0.0.1');
  } catch (e) {
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const adminKey = config.adminApiKey ?? extractAnnouncedKey(announced);
  const http = request(app.getHttpServer());
  let closed = false;

  const t: TestApp = {
    app,
    config,
    http,
    baseUrl,
    adminKey,
    dataDir,
    announced,
    auth: (apiKey = adminKey) => ({ Authorization: `Bearer ${apiKey}` }),
    async issueKey(role, subjectId, label) {
      const res = await http
        .post('/v1/api-keys')
        .set(t.auth())
        .send({ role, subjectId, ...(label ? { label } : {}) });
      if (res.status !== 201) throw new Error(`issueKey failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { keyId: res.body.keyId as string, apiKey: res.body.apiKey as string };
    },
    get: (token) => app.get(token as never),
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      await app.close();
      if (!closeOptions.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart(restartOptions = {}) {
      await t.close({ keepData: true });
      return startTestApp({ ...options, ...restartOptions, env: { ...options.env, ...restartOptions.env }, dataDir });
    },
  };
  return t;
}

function extractAnnouncedKey(lines: string[]): string {
  const m = /\b(1tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(lines.join('\n'));
  // On a restart the key was announced by the first start only: tests that need it keep it from there.
  return m?.[1] ?? '';
}
