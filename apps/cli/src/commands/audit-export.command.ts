import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { exportLog } from '@1tt/audit';
import { CliUsageError, parsePositionOption, parseTimeOption, printJson, progressFor, type CliContext } from '../cli-context';
import { openConfiguredEventStore } from '../event-store-connection';

interface ExportFlags {
  out: string;
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
    .option('--json', 'print a JSON summary on stdout')
    .action(async (flags: ExportFlags) => {
      if (flags.toPosition !== undefined && flags.asOf !== undefined)
        throw new CliUsageError('give at most one of --to-position and --as-of');
      if (flags.out === '-' && flags.json) throw new CliUsageError('--json prints on stdout; write the export to a file with --out <file>');
      const store = await openConfiguredEventStore(ctx.env);
      const out = flags.out === '-' ? ctx.stdout : createWriteStream(flags.out);
      const progress = progressFor(ctx, true);
      let started = false;
      try {
        const summary = await exportLog(store, out, {
          toPosition: flags.toPosition,
          asOf: flags.asOf,
          onProgress: (position, to) => {
            if (!started) {
              progress.start(to, 'export');
              started = true;
            }
            progress.update(position);
          },
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
