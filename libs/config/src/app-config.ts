/**
 * The one configuration schema of the service, read once at start-up from an
 * env-like record (`loadConfig(process.env)` in main; tests pass a record).
 * Programs outside this repository start the service with these variable
 * names: extend, never rename.
 *
 * Every problem is collected before failing, so one start attempt reports
 * every bad variable, each named with what is allowed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export type EventStoreLocation =
  { kind: 'sqlite'; url: string; path: string } | { kind: 'esdb'; url: string } | { kind: 'postgres'; url: string };
export type ReadModelLocation = { kind: 'sqlite'; url: string; path: string } | { kind: 'mongodb'; url: string };
export type BlobStoreLocation = { kind: 'file'; url: string; dir: string } | { kind: 'mongodb'; url: string };

export interface AppConfig {
  /** PORT: TCP port, 0-65535 (0 = any free port). Default 3000. */
  port: number;
  /**
   * HOST: interface to bind. Default 0.0.0.0 — the API is meant to sit
   * behind a load balancer or in a container, and every route but /health
   * and /docs requires a key. Set HOST=127.0.0.1 for a loopback-only dev box.
   */
  host: string;
  /** DATA_DIR (absolute after loading): every embedded file lives under it. Default ./data. */
  dataDir: string;
  eventStore: EventStoreLocation;
  readModels: ReadModelLocation;
  blobStore: BlobStoreLocation;
  /** ADMIN_API_KEY: a key that is always admin while it is configured; never stored, never logged. */
  adminApiKey?: string;
  /** UPLOAD_MAX_BYTES: largest accepted upload. Default 2 GiB. */
  uploadMaxBytes: number;
  /**
   * UPLOAD_TIMEOUT_SECONDS: longest an upload's body may take to arrive; past it the upload is refused
   * 408 problem+json (upload-timeout) and nothing is kept. Default 3600 (2 GiB at ~600 KB/s). The HTTP
   * server's own request timeout is set a minute longer, so this answer comes first.
   */
  uploadTimeoutSeconds: number;
  /** JSON_BODY_MAX_BYTES: largest accepted JSON body. Default 1 MiB. */
  jsonBodyMaxBytes: number;
  /** WORKER_THREADS: preprocessing worker threads. Default: available cores. */
  workerThreads: number;
  /**
   * PROCESS_DATASETS: whether this API process preprocesses uploads itself.
   * Default true (the single-process set-up); false behind a load balancer
   * when apps/worker processes do the work.
   */
  processDatasets: boolean;
  /**
   * DATASET_CLAIM_LEASE_SECONDS: on the embedded store, how long a process's
   * claim on a dataset lasts without renewal (renewed every third of it while
   * the process lives), i.e. how soon another process takes over the dataset
   * of a crashed one. With EventStoreDB it is unused (the persistent
   * subscription redelivers). Default 30.
   */
  datasetClaimLeaseSeconds: number;
  /**
   * DATASET_PROGRESS_SECONDS: how often the process analysing a dataset
   * publishes its progress (a DatasetProgressReported event), so an API
   * process sees the progress of work done by apps/worker. Default 3.
   */
  datasetProgressSeconds: number;
  /**
   * DATASET_TAKEOVER_SECONDS: when the earliest undecided dataset (every
   * later one waits for it) is claimed by another process that shows no
   * decision and no progress for this long, a process analyses it itself
   * (a hung holder; the decision append still admits one decider). 0: never.
   * Default 300.
   */
  datasetTakeoverSeconds: number;
  /**
   * DATASET_MAX_ATTEMPTS: analyses of one dataset that may fail (the process
   * crashed or was killed during it, or it failed for a reason that is not an
   * infrastructure fault) before the dataset is rejected as
   * `processing_failed` instead of tried again. Recorded in the log, so it
   * holds across restarts. Default 3.
   */
  datasetMaxAttempts: number;
  /**
   * The most work one dataset may impose (issue #20, M5: datasets are decided
   * in upload order, so every later upload waits for it). Past any of these
   * the dataset is rejected `processing_budget_exceeded`, naming the variable.
   * DATASET_MAX_DOCUMENTS: records in one file. Default 20000000.
   */
  datasetMaxDocuments: number;
  /** DATASET_MAX_DECOMPRESSED_BYTES: bytes one file may decompress to. Default 16 GiB. */
  datasetMaxDecompressedBytes: number;
  /** DATASET_MAX_ANALYSIS_SECONDS: longest analysis of one dataset (depends on the machine's load). Default 3600. */
  datasetMaxAnalysisSeconds: number;
  /**
   * DATASET_ANALYSIS_CONCURRENCY: datasets one process analyses at once, at
   * most one per contributor besides the earliest undecided one, so a large
   * dataset does not hold up the analysis of other contributors' uploads. Default 2.
   */
  datasetAnalysisConcurrency: number;
  /** RATE_LIMIT_PER_MINUTE: requests per API key per minute; 0 turns limiting off. Default 600. */
  rateLimitPerMinute: number;
  /**
   * AUTH_FAILURES_PER_MINUTE: failed authentications (missing, malformed,
   * unknown or revoked key) one client address, and one key id, may make
   * per minute; past it a failure answers 429 `authentication-rate-limited`
   * with Retry-After. Valid keys are never refused by it. 0 turns it off. Default 30.
   */
  authFailuresPerMinute: number;
  /** AUDIT_VERIFY_CONCURRENCY: /v1/audit/verify runs (each on its own worker thread) at once in this process. Default 2. */
  auditVerifyConcurrency: number;
  /** AUDIT_VERIFY_QUEUE: verifications that may wait for a free slot; one more is refused 503 with Retry-After. Default 8. */
  auditVerifyQueue: number;
  /** LOG_LEVEL: error | warn | log (alias info) | debug | verbose. Default log. */
  logLevel: LogLevel;
  /** SSE_HEARTBEAT_SECONDS: idle comment sent on /v1/events so proxies keep the stream open. Default 15. */
  sseHeartbeatSeconds: number;
  /** SSE_MAX_STREAMS: open /v1/events streams this process serves at once; one more is refused 503 with Retry-After. Default 1000. */
  sseMaxStreams: number;
  /** SSE_MAX_STREAMS_PER_KEY: open /v1/events streams one API key may hold at once; one more is refused 429 with Retry-After. Default 8. */
  sseMaxStreamsPerKey: number;
  /**
   * SSE_MAX_BUFFERED_BYTES: bytes of a stream's messages this process keeps
   * for a client that does not read them (after the kernel's socket buffer is
   * full); past it the stream is closed and the client reconnects. Default 256 KiB.
   */
  sseMaxBufferedBytes: number;
  /** CHECKPOINT_SIGNING_KEY: optional Ed25519 private key (PEM or base64 PKCS#8 DER) for signed log checkpoints. */
  checkpointSigningKey?: string;
  /** CHECKPOINT_SIGNING_KEY_FILE: Ed25519 private key PEM (from `1tt audit keygen`); when set, the service publishes signed log checkpoints. */
  checkpointSigningKeyFile?: string;
  /** CHECKPOINT_INTERVAL_SECONDS: how often a signed checkpoint is published. Default 3600. */
  checkpointIntervalSeconds: number;
  /** Outbound webhooks (src/webhooks): delivery, retries and address safety. */
  webhooks: WebhookConfig;
  /** Payout details, payout batches and payment files (src/payouts). */
  payouts: PayoutConfig;
}

export interface PayoutConfig {
  /**
   * PERSONAL_DATA_KEY_DIR: the key store of per-contributor keys that encrypt personal data in the log
   * (one file per subject, mode 0600; erasure deletes the file). Default <DATA_DIR>/personal-data-keys.
   */
  keyDir: string;
  /** PAYOUT_DEBTOR_NAME: the paying organisation's name in pain.001 files (≤ 70 characters). */
  debtorName?: string;
  /** PAYOUT_DEBTOR_IBAN: the account payouts are paid from (checked like any IBAN). */
  debtorIban?: string;
  /** PAYOUT_DEBTOR_BIC: the debtor bank's BIC (optional; "NOTPROVIDED" in the file without it). */
  debtorBic?: string;
}

export interface WebhookConfig {
  /** WEBHOOK_DELIVERY: whether this process delivers webhooks (false: it only serves the routes). Default true. */
  deliver: boolean;
  /** WEBHOOK_ALLOW_PRIVATE: allow receivers on private, loopback, link-local and metadata addresses. Default false. */
  allowPrivate: boolean;
  /** WEBHOOK_ALLOW_HTTP: allow plain http:// receivers on any host (loopback may always use http). Default false. */
  allowHttp: boolean;
  /** WEBHOOK_TIMEOUT_MS: one delivery attempt (connect + answer) is abandoned after this long and retried. Default 10000. */
  timeoutMs: number;
  /** WEBHOOK_RETRY_INITIAL_MS: delay before the first retry; it doubles per attempt, with jitter. Default 5000. */
  retryInitialMs: number;
  /** WEBHOOK_RETRY_MAX_MS: the longest delay between two attempts. Default 3600000 (1 h). */
  retryMaxMs: number;
  /** WEBHOOK_RETRY_WINDOW_SECONDS: an event is retried for this long after its first attempt, then given up. Default 86400 (24 h). */
  retryWindowSeconds: number;
  /** WEBHOOK_LEASE_SECONDS: a process's lease on a webhook's deliveries lapses this long after its last renewal. Default 30. */
  leaseSeconds: number;
  /** WEBHOOK_SECRET_KEY_FILE: AES-256 key that encrypts signing secrets at rest. Default <DATA_DIR>/webhook-secrets.key (created at first use). */
  secretKeyFile: string;
}

export interface ConfigIssue {
  variable: string;
  /** What was wrong and what is allowed, in one sentence. */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type EnvRecord = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Directory relative paths are resolved against. Default process.cwd(). */
  cwd?: string;
  /** Cores available, for the WORKER_THREADS default. Default os.availableParallelism(). */
  cpuCount?: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, kb: KiB, kib: KiB, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB };

/** Minimum estimated entropy of ADMIN_API_KEY, the same strength as a generated key. */
export const ADMIN_KEY_MIN_BITS = 128;
export const ADMIN_KEY_MIN_LENGTH = 24;

export function loadConfig(env: EnvRecord, options: LoadConfigOptions = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const cpuCount = options.cpuCount ?? os.availableParallelism();
  const issues: ConfigIssue[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const int = (name: string, dflt: number, min: number, max: number, allowed: string): number => {
    const v = raw(name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      issues.push({ variable: name, message: `${JSON.stringify(v)} is not allowed; use ${allowed}` });
      return dflt;
    }
    return Number(v);
  };

  const bool = (name: string, dflt: boolean): boolean => {
    const v = raw(name)?.toLowerCase();
    if (v === undefined) return dflt;
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    issues.push({ variable: name, message: `${JSON.stringify(v)} is not allowed; use true or false (also 1/0, yes/no, on/off)` });
    return dflt;
  };

  const size = (name: string, dflt: number, min: number): number => {
    const v = raw(name);
    if (v === undefined) return dflt;
    const m = /^(\d+)\s*([a-z]*)$/i.exec(v);
    const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
    const bytes = m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
    if (!Number.isSafeInteger(bytes) || bytes < min) {
      issues.push({
        variable: name,
        message: `${JSON.stringify(v)} is not allowed; use a whole number of bytes ≥ ${min}, optionally with a unit (KiB, MiB, GiB), e.g. "2GiB"`,
      });
      return dflt;
    }
    return bytes;
  };

  const port = int('PORT', 3000, 0, 65535, 'an integer port from 0 to 65535');
  const host = raw('HOST') ?? '0.0.0.0';
  if (/\s|\//.test(host))
    issues.push({
      variable: 'HOST',
      message: `${JSON.stringify(host)} is not allowed; use a host name or IP address, e.g. 0.0.0.0 or 127.0.0.1`,
    });
  const { dataDir, eventStore, readModels, blobStore } = storeLocationsOf(raw, cwd, issues);

  const adminApiKey = raw('ADMIN_API_KEY');
  if (adminApiKey !== undefined) {
    const problem = adminKeyProblem(adminApiKey);
    if (problem) issues.push({ variable: 'ADMIN_API_KEY', message: problem });
  }

  const uploadMaxBytes = size('UPLOAD_MAX_BYTES', 2 * GiB, 1);
  const uploadTimeoutSeconds = int('UPLOAD_TIMEOUT_SECONDS', 3600, 1, 604800, 'a whole number of seconds from 1 to 604800');
  const jsonBodyMaxBytes = size('JSON_BODY_MAX_BYTES', 1 * MiB, 1024);
  const workerThreads = int('WORKER_THREADS', Math.max(1, cpuCount), 1, 256, 'an integer from 1 to 256');
  const processDatasets = bool('PROCESS_DATASETS', true);
  const datasetClaimLeaseSeconds = int('DATASET_CLAIM_LEASE_SECONDS', 30, 2, 86400, 'a whole number of seconds from 2 to 86400');
  const datasetProgressSeconds = int('DATASET_PROGRESS_SECONDS', 3, 1, 3600, 'a whole number of seconds from 1 to 3600');
  const datasetTakeoverSeconds = int('DATASET_TAKEOVER_SECONDS', 300, 0, 604800, 'a whole number of seconds from 0 (never) to 604800');
  const datasetMaxAttempts = int('DATASET_MAX_ATTEMPTS', 3, 1, 100, 'a whole number from 1 to 100');
  const datasetMaxDocuments = int('DATASET_MAX_DOCUMENTS', 20_000_000, 1, 1e12, 'a whole number from 1 to 1000000000000');
  const datasetMaxDecompressedBytes = size('DATASET_MAX_DECOMPRESSED_BYTES', 16 * GiB, 1);
  const datasetMaxAnalysisSeconds = int('DATASET_MAX_ANALYSIS_SECONDS', 3600, 1, 604800, 'a whole number of seconds from 1 to 604800');
  const datasetAnalysisConcurrency = int('DATASET_ANALYSIS_CONCURRENCY', 2, 1, 64, 'a whole number from 1 to 64');
  const rateLimitPerMinute = int('RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000, 'an integer from 0 (off) to 1000000');
  const authFailuresPerMinute = int('AUTH_FAILURES_PER_MINUTE', 30, 0, 1_000_000, 'an integer from 0 (off) to 1000000');
  const auditVerifyConcurrency = int('AUDIT_VERIFY_CONCURRENCY', 2, 1, 64, 'an integer from 1 to 64');
  const auditVerifyQueue = int('AUDIT_VERIFY_QUEUE', 8, 0, 10_000, 'an integer from 0 to 10000');
  const sseHeartbeatSeconds = int('SSE_HEARTBEAT_SECONDS', 15, 1, 3600, 'an integer from 1 to 3600');
  const sseMaxStreams = int('SSE_MAX_STREAMS', 1000, 1, 1_000_000, 'an integer from 1 to 1000000');
  const sseMaxStreamsPerKey = int('SSE_MAX_STREAMS_PER_KEY', 8, 1, 1_000_000, 'an integer from 1 to 1000000');
  const sseMaxBufferedBytes = size('SSE_MAX_BUFFERED_BYTES', 256 * KiB, 1024);

  let logLevel: LogLevel = 'log';
  const lv = raw('LOG_LEVEL')?.toLowerCase();
  if (lv !== undefined) {
    const mapped = lv === 'info' ? 'log' : lv;
    if ((LOG_LEVELS as readonly string[]).includes(mapped)) logLevel = mapped as LogLevel;
    else
      issues.push({
        variable: 'LOG_LEVEL',
        message: `${JSON.stringify(lv)} is not allowed; use one of ${LOG_LEVELS.join(', ')} (info = log)`,
      });
  }

  const checkpointSigningKey = raw('CHECKPOINT_SIGNING_KEY');
  const keyFile = raw('CHECKPOINT_SIGNING_KEY_FILE');
  const checkpointSigningKeyFile = keyFile === undefined ? undefined : path.resolve(cwd, keyFile);
  if (checkpointSigningKeyFile !== undefined && !fs.existsSync(checkpointSigningKeyFile)) {
    issues.push({
      variable: 'CHECKPOINT_SIGNING_KEY_FILE',
      message: `${JSON.stringify(keyFile)} does not exist; create a key with \`npx 1tt audit keygen --out <dir>\` and point this at its private key PEM`,
    });
  }
  const checkpointIntervalSeconds = int('CHECKPOINT_INTERVAL_SECONDS', 3600, 1, 604800, 'a whole number of seconds from 1 to 604800');

  const webhooks: WebhookConfig = {
    deliver: bool('WEBHOOK_DELIVERY', true),
    allowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
    allowHttp: bool('WEBHOOK_ALLOW_HTTP', false),
    timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 10, 600_000, 'a whole number of milliseconds from 10 to 600000'),
    retryInitialMs: int('WEBHOOK_RETRY_INITIAL_MS', 5000, 1, 86_400_000, 'a whole number of milliseconds from 1 to 86400000'),
    retryMaxMs: int('WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 86_400_000, 'a whole number of milliseconds from 1 to 86400000'),
    retryWindowSeconds: int('WEBHOOK_RETRY_WINDOW_SECONDS', 86_400, 1, 604_800, 'a whole number of seconds from 1 to 604800'),
    leaseSeconds: int('WEBHOOK_LEASE_SECONDS', 30, 1, 3600, 'a whole number of seconds from 1 to 3600'),
    secretKeyFile: path.resolve(cwd, raw('WEBHOOK_SECRET_KEY_FILE') ?? path.join(dataDir, 'webhook-secrets.key')),
  };
  if (webhooks.retryMaxMs < webhooks.retryInitialMs)
    issues.push({
      variable: 'WEBHOOK_RETRY_MAX_MS',
      message: `${webhooks.retryMaxMs} is less than WEBHOOK_RETRY_INITIAL_MS (${webhooks.retryInitialMs}); use a value at least that large`,
    });

  const debtorIban = raw('PAYOUT_DEBTOR_IBAN')?.replace(/\s/g, '').toUpperCase();
  if (debtorIban !== undefined && !/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(debtorIban))
    issues.push({
      variable: 'PAYOUT_DEBTOR_IBAN',
      message: `${JSON.stringify(debtorIban)} is not an IBAN; use the account payouts are paid from`,
    });
  const debtorBic = raw('PAYOUT_DEBTOR_BIC')?.trim().toUpperCase();
  if (debtorBic !== undefined && !/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(debtorBic))
    issues.push({ variable: 'PAYOUT_DEBTOR_BIC', message: `${JSON.stringify(debtorBic)} is not a BIC (8 or 11 letters and digits)` });
  const debtorName = raw('PAYOUT_DEBTOR_NAME')?.trim();
  if (debtorName !== undefined && (debtorName.length === 0 || debtorName.length > 70))
    issues.push({ variable: 'PAYOUT_DEBTOR_NAME', message: 'must be 1-70 characters (the credit-transfer limit)' });
  const payouts: PayoutConfig = {
    keyDir: path.resolve(cwd, raw('PERSONAL_DATA_KEY_DIR') ?? path.join(dataDir, 'personal-data-keys')),
    debtorName,
    debtorIban,
    debtorBic,
  };

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    port,
    host,
    dataDir,
    eventStore,
    readModels,
    blobStore,
    adminApiKey,
    uploadMaxBytes,
    uploadTimeoutSeconds,
    jsonBodyMaxBytes,
    workerThreads,
    processDatasets,
    datasetClaimLeaseSeconds,
    datasetProgressSeconds,
    datasetTakeoverSeconds,
    datasetMaxAttempts,
    datasetMaxDocuments,
    datasetMaxDecompressedBytes,
    datasetMaxAnalysisSeconds,
    datasetAnalysisConcurrency,
    rateLimitPerMinute,
    authFailuresPerMinute,
    auditVerifyConcurrency,
    auditVerifyQueue,
    logLevel,
    sseHeartbeatSeconds,
    sseMaxStreams,
    sseMaxStreamsPerKey,
    sseMaxBufferedBytes,
    checkpointSigningKey,
    checkpointSigningKeyFile,
    checkpointIntervalSeconds,
    webhooks,
    payouts,
  };
}

/** Nest logger levels to enable for a LOG_LEVEL (each level includes the more severe ones). */
export function enabledLogLevels(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/**
 * Why an operator-chosen admin key is too weak, or undefined. The estimate is
 * length × log2(alphabet of the character classes used), which a generated
 * `openssl rand -base64 32` (or a 1tt_ key) passes and "password123…" fails.
 */
export function adminKeyProblem(key: string): string | undefined {
  const allowed = `at least ${ADMIN_KEY_MIN_LENGTH} printable ASCII characters with about ${ADMIN_KEY_MIN_BITS} bits of entropy, e.g. the output of \`openssl rand -base64 32\``;
  if (!/^[\x21-\x7e]+$/.test(key)) return `contains spaces or non-printable/non-ASCII characters; use ${allowed}`;
  if (key.length < ADMIN_KEY_MIN_LENGTH) return `is ${key.length} characters long; use ${allowed}`;
  let alphabet = 0;
  if (/[a-z]/.test(key)) alphabet += 26;
  if (/[A-Z]/.test(key)) alphabet += 26;
  if (/[0-9]/.test(key)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(key)) alphabet += 32;
  const distinct = new Set(key).size;
  const bits = key.length * Math.log2(Math.min(alphabet, Math.max(distinct, 2)));
  if (bits < ADMIN_KEY_MIN_BITS || distinct < 12)
    return `is too predictable (about ${Math.floor(bits)} bits, ${distinct} distinct characters); use ${allowed}`;
  return undefined;
}

/** Where the stores are (DATA_DIR, EVENT_STORE_URL, READ_MODEL_URL, BLOB_STORE_URL with the service's defaults), for the tools that open them: the CLI. */
export function storeLocations(
  env: EnvRecord,
  cwd = process.cwd(),
): { dataDir: string; eventStore: EventStoreLocation; readModels: ReadModelLocation; blobStore: BlobStoreLocation } {
  const issues: ConfigIssue[] = [];
  const locations = storeLocationsOf((name) => (env[name]?.trim() ? env[name]!.trim() : undefined), cwd, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return locations;
}

function storeLocationsOf(raw: (name: string) => string | undefined, cwd: string, issues: ConfigIssue[]) {
  const dataDir = path.resolve(cwd, raw('DATA_DIR') ?? './data');
  return {
    dataDir,
    eventStore: eventStoreLocation(raw('EVENT_STORE_URL') ?? `sqlite:${path.join(dataDir, 'events.db')}`, cwd, issues),
    readModels: readModelLocation(raw('READ_MODEL_URL') ?? `sqlite:${path.join(dataDir, 'read-models.db')}`, cwd, issues),
    blobStore: blobStoreLocation(raw('BLOB_STORE_URL') ?? `file:${path.join(dataDir, 'blobs')}`, cwd, issues),
  };
}

function eventStoreLocation(url: string, cwd: string, issues: ConfigIssue[]): EventStoreLocation {
  if (/^(esdb|kurrentdb)(\+discover)?:\/\//i.test(url)) return { kind: 'esdb', url };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const p = sqlitePath(url, cwd);
  if (p !== undefined) return { kind: 'sqlite', url: `sqlite:${p}`, path: p };
  issues.push({
    variable: 'EVENT_STORE_URL',
    message: `${JSON.stringify(redact(url))} is not allowed; use sqlite:<file>, postgres://user@host:5432/db or esdb://host:2113?tls=false`,
  });
  return { kind: 'sqlite', url, path: url };
}

function readModelLocation(url: string, cwd: string, issues: ConfigIssue[]): ReadModelLocation {
  if (/^mongodb(\+srv)?:\/\//i.test(url)) return { kind: 'mongodb', url };
  const p = sqlitePath(url, cwd);
  if (p !== undefined) return { kind: 'sqlite', url: `sqlite:${p}`, path: p };
  issues.push({
    variable: 'READ_MODEL_URL',
    message: `${JSON.stringify(redact(url))} is not allowed; use sqlite:<file> or mongodb://host/db`,
  });
  return { kind: 'sqlite', url, path: url };
}

function blobStoreLocation(url: string, cwd: string, issues: ConfigIssue[]): BlobStoreLocation {
  if (/^mongodb(\+srv)?:\/\//i.test(url)) return { kind: 'mongodb', url };
  const m = /^file:(?:\/\/)?(.+)$/i.exec(url);
  if (m) {
    const dir = path.resolve(cwd, decodeURIComponent(m[1]));
    return { kind: 'file', url: `file:${dir}`, dir };
  }
  issues.push({
    variable: 'BLOB_STORE_URL',
    message: `${JSON.stringify(redact(url))} is not allowed; use file:<directory> or mongodb://host/db`,
  });
  return { kind: 'file', url, dir: url };
}

/** `sqlite:<path>` or `sqlite:///abs/path` → absolute path; anything else → undefined. */
function sqlitePath(url: string, cwd: string): string | undefined {
  const m = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  if (!m || m[1] === ':memory:') return undefined;
  return path.resolve(cwd, decodeURIComponent(m[1]));
}

/** Connection strings can carry passwords: never echo them in an error. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
