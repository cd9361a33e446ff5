/**
 * `node dist/apps/worker/src/main.js`: the preprocessing worker without
 * HTTP. It runs the same DatasetProcessor as the API process (which does
 * this itself in the default single-process set-up; start the API with
 * PROCESS_DATASETS=false when separate workers do the work).
 *
 * Several workers may run at once: each follows the log and goes for the
 * earliest undecided dataset; the decision is one append at the upload's
 * revision, so exactly one wins and the others load its report. That is
 * safe but not work-sharing: EventStoreDB persistent subscriptions
 * (competing consumers) are not implemented yet; see the datasets README.
 */
import { createBlobStore } from '@1tt/blob-store';
import { DatasetProcessor, createFormatSource } from '@1tt/dataset-processing';
import { createEventStore } from '@1tt/event-store';
import { workerConfig } from './worker-config';

async function main(): Promise<void> {
  const config = workerConfig(process.env);
  const events = await createEventStore(config.eventStoreUrl);
  const blobs = await createBlobStore(config.blobStoreUrl);
  const processor = new DatasetProcessor({
    events,
    blobs,
    openSource: createFormatSource(),
    workerThreads: config.workerThreads,
    actor: `system:worker:${process.pid}`,
    logger: { log: (m) => console.log(m), error: (m, e) => console.error(m, e) },
  });
  processor.start();
  console.log(`1tt worker: processing datasets with ${config.workerThreads} threads (${config.eventStoreUrl})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`1tt worker: ${signal}, stopping (an unfinished dataset is redone by the next worker)`);
    await processor.stop();
    await events.close();
    await blobs.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
