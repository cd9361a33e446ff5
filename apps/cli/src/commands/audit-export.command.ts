import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { exportLog } from '@1tt/audit';
import {
  CliUsageError,
  parsePositionOption,
  parseTimeOption,
  printJson,
  progressFor,
  trackProgress,
  type CliContext,
} from '../cli-context';
import { openConfiguredEventStore } from '../event-store-connection';
import { downloadExport } from '../remote-export';

interface ExportFlags {
  out: string;
  url?: string;
  key?: string;
  resume?: boolean;
  toPosition?: number;
  asOf?: Date;
  json?: boolean;
}

export function auditExportCommand(ctx: CliContext): Command {
  return new Command('export')
    .description(
      'Export the event log with positions and hashes as NDJSON (streamed: constant memory), from the store configured by EVENT_STORE_URL / DATA_DIR',
    )
    .requiredOption('--out <file>', 'where to write the export (- for stdout)')
    .option('--to-position <n>', 'stop at this log position', parsePositionOption('--to-position'))
    .option('--as-of <time>', 'stop at the last event recorded at or before this ISO-8601 time', parseTimeOption('--as-of'))
    .option('--url <base>', 'export over the API of the service at this URL (an auditor or admin API key; no database access needed)')
    .option('--key <apiKey>', 'the API key for --url (default: the ONETT_API_KEY variable)')
    .option('--resume', "with --url: continue a cut download in --out, then check the whole file against the server's log hash")
    .option('--json', 'print a JSON summary on stdout')
    .action(async (flags: ExportFlags) => {
      if (flags.toPosition !== undefined && flags.asOf !== undefined)
        throw new CliUsageError('give at most one of --to-position and --as-of');
      if (flags.url !== undefined) return exportOverApi(ctx, flags);
      if (flags.resume || flags.key) throw new CliUsageError('--resume and --key go with --url');
      if (flags.out === '-' && flags.json) throw new CliUsageError('--json prints on stdout; write the export to a file with --out <file>');
      const store = await openConfiguredEventStore(ctx.env);
      const out = flags.out === '-' ? ctx.stdout : createWriteStream(flags.out);
      const progress = progressFor(ctx, true);
      try {
        const summary = await exportLog(store, out, {
          toPosition: flags.toPosition,
          asOf: flags.asOf,
          onProgress: trackProgress(progress, 'export'),
        });
        progress.stop();
        if (out !== ctx.stdout) {
          out.end();
          await once(out, 'finish');
        }
        if (flags.json)
          printJson(ctx, {
            file: flags.out,
            events: summary.events,
            bytes: summary.bytes,
            lastPosition: summary.lastPosition,
            header: summary.header,
          });
        else if (flags.out !== '-')
          ctx.stderr.write(
            `exported ${summary.events} events (positions 1–${summary.lastPosition}, ${summary.bytes} bytes) to ${flags.out}\n`,
          );
      } finally {
        progress.stop();
        await store.close();
      }
    });
}

async function exportOverApi(ctx: CliContext, flags: ExportFlags): Promise<void> {
  const key = flags.key ?? ctx.env.ONETT_API_KEY;
  if (!key) throw new CliUsageError('--url needs an API key: --key <apiKey> or the ONETT_API_KEY variable (an auditor or admin key)');
  if (flags.out === '-') throw new CliUsageError('--url writes to a file (--out <file>): the log hash is checked on the file afterwards');
  const progress = progressFor(ctx, !flags.json);
  try {
    const summary = await downloadExport({
      url: flags.url!,
      key,
      out: flags.out,
      resume: flags.resume === true,
      toPosition: flags.toPosition,
      asOf: flags.asOf,
      onProgress: trackProgress(progress, 'export'),
    });
    progress.stop();
    if (flags.json)
      printJson(ctx, {
        file: flags.out,
        events: summary.events,
        lastPosition: summary.lastPosition,
        logHash: summary.logHash,
        header: summary.header,
        ...(summary.resumedAfter !== undefined ? { resumedAfter: summary.resumedAfter } : {}),
      });
    else
      ctx.stderr.write(
        `exported ${summary.events} events up to position ${summary.header.toPosition} from ${flags.url} to ${flags.out}; log hash ${summary.logHash} checked\n`,
      );
  } finally {
    progress.stop();
  }
}
