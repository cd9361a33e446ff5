import * as os from 'node:os';
import * as path from 'node:path';

export interface WorkerConfig {
  eventStoreUrl: string;
  blobStoreUrl: string;
  workerThreads: number;
}

/**
 * The worker's settings, read once from the environment with the service's
 * defaults (same variable names as the API process).
 */
export function workerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const threads = env.WORKER_THREADS ? Number(env.WORKER_THREADS) : os.availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) throw new Error(`WORKER_THREADS must be an integer from 1 to 256, got "${env.WORKER_THREADS}"`);
  return {
    eventStoreUrl: env.EVENT_STORE_URL || `sqlite:${path.join(dataDir, 'events.db')}`,
    blobStoreUrl: env.BLOB_STORE_URL || path.join(dataDir, 'blobs'),
    workerThreads: threads,
  };
}
