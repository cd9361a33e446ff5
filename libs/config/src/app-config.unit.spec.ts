import * as path from 'node:path';
import { ConfigError, adminKeyProblem, enabledLogLevels, loadConfig } from './app-config';

const cwd = '/srv/1tt';

function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig(env, { cwd, cpuCount: 2 });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return Object.fromEntries((e as ConfigError).issues.map((i) => [i.variable, i.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to embedded stores under ./data, port 3000 and all interfaces', () => {
    const c = loadConfig({}, { cwd, cpuCount: 2 });
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/1tt/data',
      eventStore: { kind: 'sqlite', url: 'sqlite:/srv/1tt/data/events.db', path: '/srv/1tt/data/events.db' },
      readModels: { kind: 'sqlite', url: 'sqlite:/srv/1tt/data/read-models.db' },
      blobStore: { kind: 'file', url: 'file:/srv/1tt/data/blobs', dir: '/srv/1tt/data/blobs' },
      uploadMaxBytes: 2 * 1024 ** 3,
      jsonBodyMaxBytes: 1024 ** 2,
      workerThreads: 2,
      rateLimitPerMinute: 600,
      authFailuresPerMinute: 30,
      trustProxyHops: 0,
      auditVerifyConcurrency: 2,
      auditVerifyQueue: 8,
      logLevel: 'log',
      sseHeartbeatSeconds: 15,
      sseMaxStreams: 1000,
      sseMaxStreamsPerKey: 8,
      sseMaxBufferedBytes: 256 * 1024,
    });
    expect(c.adminApiKey).toBeUndefined();
  });

  it('puts every embedded default under DATA_DIR', () => {
    const c = loadConfig({ DATA_DIR: 'var/ledger' }, { cwd });
    const dir = path.join(cwd, 'var/ledger');
    expect(c.dataDir).toBe(dir);
    for (const p of [c.eventStore.url, c.readModels.url, c.blobStore.url]) expect(p).toContain(dir);
  });

  it('chooses EventStoreDB, MongoDB and GridFS by URL', () => {
    const c = loadConfig(
      { EVENT_STORE_URL: 'esdb://es:2113?tls=false', READ_MODEL_URL: 'mongodb://m/1tt', BLOB_STORE_URL: 'mongodb+srv://m/blobs' },
      { cwd },
    );
    expect(c.eventStore).toEqual({ kind: 'esdb', url: 'esdb://es:2113?tls=false' });
    expect(c.readModels).toEqual({ kind: 'mongodb', url: 'mongodb://m/1tt' });
    expect(c.blobStore).toEqual({ kind: 'mongodb', url: 'mongodb+srv://m/blobs' });
  });

  it('reads sizes with units and the other knobs', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        UPLOAD_MAX_BYTES: '512MiB',
        JSON_BODY_MAX_BYTES: '64k',
        WORKER_THREADS: '3',
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'INFO',
      },
      { cwd },
    );
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      uploadMaxBytes: 512 * 1024 ** 2,
      jsonBodyMaxBytes: 64 * 1024,
      workerThreads: 3,
      rateLimitPerMinute: 0,
      logLevel: 'log',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', ADMIN_API_KEY: '  ' }, { cwd }).port).toBe(3000);
  });

  it('reports every bad variable at once, naming it and what is allowed', () => {
    const issues = issuesOf({
      PORT: '80a',
      EVENT_STORE_URL: 'mysql://u:secret@db/x',
      READ_MODEL_URL: 'redis://r',
      BLOB_STORE_URL: 's3://bucket',
      UPLOAD_MAX_BYTES: '2 TB please',
      WORKER_THREADS: '0',
      RATE_LIMIT_PER_MINUTE: '-5',
      LOG_LEVEL: 'chatty',
      ADMIN_API_KEY: 'admin',
    });
    expect(Object.keys(issues).sort()).toEqual(
      [
        'ADMIN_API_KEY',
        'BLOB_STORE_URL',
        'EVENT_STORE_URL',
        'LOG_LEVEL',
        'PORT',
        'RATE_LIMIT_PER_MINUTE',
        'READ_MODEL_URL',
        'UPLOAD_MAX_BYTES',
        'WORKER_THREADS',
      ].sort(),
    );
    expect(issues.PORT).toMatch(/"80a".*0 to 65535/);
    expect(issues.EVENT_STORE_URL).toMatch(/sqlite:<file>, postgres:\/\/.* or esdb:\/\//);
    expect(issues.EVENT_STORE_URL).not.toContain('secret');
    expect(issues.LOG_LEVEL).toMatch(/error, warn, log, debug, verbose/);
    expect(issues.ADMIN_API_KEY).toMatch(/at least 24/);
    expect(issues.ADMIN_API_KEY).not.toContain('admin"');
  });

  it('processes datasets in the API process unless PROCESS_DATASETS says otherwise', () => {
    expect(loadConfig({}, { cwd }).processDatasets).toBe(true);
    expect(loadConfig({}, { cwd }).datasetClaimLeaseSeconds).toBe(30);
    for (const off of ['false', 'FALSE', '0', 'no', 'off'])
      expect(loadConfig({ PROCESS_DATASETS: off }, { cwd }).processDatasets).toBe(false);
    for (const on of ['true', '1', 'Yes', 'on']) expect(loadConfig({ PROCESS_DATASETS: on }, { cwd }).processDatasets).toBe(true);
    expect(loadConfig({ DATASET_CLAIM_LEASE_SECONDS: '5' }, { cwd }).datasetClaimLeaseSeconds).toBe(5);
    expect(loadConfig({}, { cwd }).datasetProgressSeconds).toBe(3);
    expect(loadConfig({ DATASET_PROGRESS_SECONDS: '1' }, { cwd }).datasetProgressSeconds).toBe(1);
    expect(loadConfig({}, { cwd }).datasetTakeoverSeconds).toBe(300);
    expect(loadConfig({ DATASET_TAKEOVER_SECONDS: '0' }, { cwd }).datasetTakeoverSeconds).toBe(0);
    expect(issuesOf({ DATASET_TAKEOVER_SECONDS: 'soon' }).DATASET_TAKEOVER_SECONDS).toMatch(/from 0 \(never\) to 604800/);
  });

  it('refuses a PROCESS_DATASETS that is not a boolean and a lease under 2 s, naming what is allowed', () => {
    const issues = issuesOf({ PROCESS_DATASETS: 'never', DATASET_CLAIM_LEASE_SECONDS: '1', DATASET_PROGRESS_SECONDS: '0' });
    expect(issues.DATASET_PROGRESS_SECONDS).toMatch(/from 1 to 3600/);
    expect(issues.PROCESS_DATASETS).toMatch(/"never" is not allowed; use true or false/);
    expect(issues.DATASET_CLAIM_LEASE_SECONDS).toMatch(/from 2 to 86400/);
  });

  it('refuses a port out of range', () => {
    expect(issuesOf({ PORT: '70000' }).PORT).toMatch(/0 to 65535/);
  });

  it('webhooks: safe defaults (https only, no private addresses, 10 s timeout, 24 h of retries), every knob configurable', () => {
    const d = loadConfig({}, { cwd }).webhooks;
    expect(d).toEqual({
      deliver: true,
      allowPrivate: false,
      allowHttp: false,
      timeoutMs: 10_000,
      retryInitialMs: 5000,
      retryMaxMs: 3_600_000,
      retryWindowSeconds: 86_400,
      leaseSeconds: 30,
      secretKeyFile: '/srv/1tt/data/webhook-secrets.key',
    });
    const c = loadConfig(
      {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_INITIAL_MS: '20',
        WEBHOOK_RETRY_MAX_MS: '100',
        WEBHOOK_SECRET_KEY_FILE: 'keys/wh.key',
        WEBHOOK_DELIVERY: 'false',
      },
      { cwd },
    ).webhooks;
    expect(c).toMatchObject({
      allowPrivate: true,
      retryInitialMs: 20,
      retryMaxMs: 100,
      deliver: false,
      secretKeyFile: '/srv/1tt/keys/wh.key',
    });
    expect(issuesOf({ WEBHOOK_RETRY_INITIAL_MS: '500', WEBHOOK_RETRY_MAX_MS: '100' }).WEBHOOK_RETRY_MAX_MS).toMatch(/at least/);
    expect(issuesOf({ WEBHOOK_TIMEOUT_MS: '5' }).WEBHOOK_TIMEOUT_MS).toMatch(/10 to 600000/);
    expect(issuesOf({ WEBHOOK_ALLOW_PRIVATE: 'maybe' }).WEBHOOK_ALLOW_PRIVATE).toMatch(/true or false/);
  });

  it('the error message lists each variable on its own line', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }, { cwd })).toThrow(/PORT: .*\n.*LOG_LEVEL: /);
  });
});

describe('adminKeyProblem', () => {
  it.each([
    ['a'.repeat(40), /predictable/],
    ['password1234password1234', /predictable/],
    ['has space in it but is long enough ok', /spaces/],
    ['short', /5 characters/],
  ])('refuses %s', (key, why) => {
    expect(adminKeyProblem(key)).toMatch(why);
  });

  it.each(['q8Zt0Vb3nK1xR4mW7pY2sD5fG9hJ6cL0aE3uI8oP1', 'rB7-kP2_vX9qL4mN8wT1zH6jF3dS0gA5yC2eU7iO'])('accepts a random key %s', (key) => {
    expect(adminKeyProblem(key)).toBeUndefined();
  });
});

describe('enabledLogLevels', () => {
  it('includes the more severe levels', () => {
    expect(enabledLogLevels('warn')).toEqual(['error', 'warn']);
    expect(enabledLogLevels('verbose')).toHaveLength(5);
  });
});
