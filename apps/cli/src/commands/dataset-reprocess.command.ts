import { Command } from 'commander';
import { createBlobStore } from '@1tt/blob-store';
import { createFormatSource, reprocessDataset } from '@1tt/dataset-processing';
import { streamNames } from '@1tt/ledger';
import { CliNotFoundError, CliUsageError, EXIT, printJson, progressFor, trackProgress, type CliContext } from '../cli-context';
import { configuredStores, openConfiguredEventStore } from '../event-store-connection';

interface ReprocessFlags {
  verify?: boolean;
  json?: boolean;
  threads?: string;
}

/**
 * `1tt dataset …`. Registered in cli-program.ts with
 * `.addCommand(datasetCommand(ctx))`.
 */
export function datasetCommand(ctx: CliContext): Command {
  return new Command('dataset')
    .description('Datasets: re-run and verify the preprocessing of an upload')
    .addCommand(datasetReprocessCommand(ctx));
}

export function datasetReprocessCommand(ctx: CliContext): Command {
  return new Command('reprocess')
    .description(
      "Re-run the recorded pipeline on the stored file against the pool as of the dataset's upload position, and compare kept documents (manifest root) and tokens with the log",
    )
    .argument('<datasetId>', 'the dataset to re-run')
    .option('--verify', 'compare with the recorded result (required: reprocess never appends)')
    .option('--json', 'print the full comparison as JSON')
    .option('--threads <n>', 'worker threads (default: WORKER_THREADS or all cores)')
    .addHelpText(
      'after',
      "\nEnvironment: EVENT_STORE_URL, BLOB_STORE_URL, DATA_DIR (the service's). Exit status: 0 match, 1 differs, 2 bad arguments, 3 store failure.",
    )
    .action(async (datasetId: string, flags: ReprocessFlags) => {
      if (!flags.verify) throw new CliUsageError('reprocess only verifies for now: pass --verify');
      const threadsText = flags.threads ?? ctx.env.WORKER_THREADS;
      const threads = threadsText === undefined ? undefined : Number(threadsText);
      if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1 || threads > 256))
        throw new CliUsageError(`--threads must be an integer from 1 to 256, got "${threadsText}"`);
      const events = await openConfiguredEventStore(ctx.env);
      const blobs = await createBlobStore(configuredStores(ctx.env).blobStore.url);
      const progress = progressFor(ctx, !flags.json);
      const track = trackProgress(progress, 'reprocess (bytes read)');
      try {
        if ((await events.streamRevision(streamNames.dataset(datasetId))) === undefined)
          throw new CliNotFoundError(`dataset ${datasetId} is not in the log`);
        const report = await reprocessDataset(datasetId, {
          events,
          blobs,
          openSource: createFormatSource(),
          workerThreads: threads,
          onProgress: (p) => track(p.bytesRead, p.totalBytes),
        });
        progress.stop();
        ctx.exitCode = report.matches ? EXIT.ok : EXIT.verifyFailed;
        if (flags.json) return printJson(ctx, report);
        const out = (s: string) => ctx.stdout.write(s + '\n');
        out(
          `${report.matches ? 'MATCH' : 'DIFFERS'}: dataset ${datasetId}, pipeline ${report.pipeline.name} v${report.pipeline.version} (${report.pipeline.configHash.slice(0, 12)}…), pool as of position ${report.poolPosition}`,
        );
        out(
          `  kept ${report.recomputed.documentsKept}/${report.recomputed.documentsIn}, tokens ${report.recomputed.tokens}, manifest root ${report.recomputed.manifestRoot}`,
        );
        for (const d of report.differences) out(`  ${d}`);
      } finally {
        progress.stop();
        await events.close();
        await blobs.close();
      }
    });
}
