/**
 * `node dist/apps/worker/src/main.js`: the preprocessing worker without
 * HTTP. It runs the same DatasetProcessor, set up by the same
 * startDatasetProcessing, as the API process (which does
 * this itself in the default single-process set-up; start the API with
 * PROCESS_DATASETS=false when separate workers do the work).
 *
 * Several workers (and API processes that process) share the datasets:
 * each analyses only the datasets it claims — SQLite leases in
 * DATA_DIR/claims.db on the embedded store, a persistent subscription
 * (competing consumers) on EventStoreDB — and waits for the others'
 * decisions for the rest. The decision is still one append at the
 * upload's revision, so a dataset is never decided twice.
 */
import { createBlobStore } from '@1tt/blob-store';
import { loadConfig } from '@1tt/config';
import { startDatasetProcessing } from '@1tt/dataset-processing';
import { createEventStore } from '@1tt/event-store';

async function main(): Promise<void> {
  // The service's one configuration schema: same variables and validation as the API process (the HTTP ones unused here).
  const config = loadConfig(process.env);
  const events = await createEventStore(config.eventStore.url);
  const blobs = await createBlobStore(config.blobStore.url);
  const processor = await startDatasetProcessing(config, {
    events,
    blobs,
    actor: `system:worker:${process.pid}`,
    logger: { log: (m) => console.log(m), error: (m, e) => console.error(m, e) },
  });
  console.log(
    `1tt worker ${process.pid}: processing datasets with ${config.workerThreads} threads (${redact(config.eventStore.url)}; claims: ${processor.claims.description})`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`1tt worker: ${signal}, stopping (its unfinished datasets are handed back to the other workers)`);
    await processor.stop();
    await events.close();
    await blobs.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Connection strings can carry passwords. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
