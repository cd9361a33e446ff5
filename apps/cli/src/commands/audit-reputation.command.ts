import { Command } from 'commander';
import { eventsOf, openLogFile } from '@1tt/audit';
import { isoDayOf, ReputationLog } from '@1tt/ledger';
import { CliNotFoundError, parsePositionOption, type CliContext } from '../cli-context';

interface ReputationFlags {
  contributor: string;
  atPosition?: number;
  json?: boolean;
}

/**
 * `1tt audit reputation <file> --contributor <id>`: the contributor's
 * reputation recomputed from an export alone (ReputationLog: the log folded
 * in order, then the reputation-v2 formula), printed as the JSON body of
 * GET /v1/contributors/{id}/reputation at the same position.
 */
export function auditReputationCommand(ctx: CliContext): Command {
  return new Command('reputation')
    .description(
      "A contributor's reputation (score, components, formula version) recomputed from an export, as GET /v1/contributors/{id}/reputation answers it",
    )
    .argument('<file>', 'the export (NDJSON), or - for standard input')
    .requiredOption('--contributor <id>', 'the contributor id')
    .option('--at-position <n>', 'as of this log position (default: the end of the export)', parsePositionOption('--at-position'))
    .option('--json', 'JSON on stdout (the only output format; accepted like every command’s --json)')
    .action(async (file: string, flags: ReputationFlags) => {
      const log = await openLogFile(file);
      const fold = new ReputationLog();
      try {
        for await (const e of eventsOf(log.lines)) {
          if (flags.atPosition !== undefined && e.position > flags.atPosition) break;
          fold.apply(e);
        }
      } finally {
        log.close();
      }
      const reputation = fold.reputationOf(flags.contributor);
      if (!reputation)
        throw new CliNotFoundError(
          `contributor ${flags.contributor} is not in the log${flags.atPosition !== undefined ? ` at position ${flags.atPosition}` : ''}`,
        );
      const position = flags.atPosition === undefined ? log.header.toPosition : Math.min(flags.atPosition, log.header.toPosition);
      ctx.stdout.write(
        JSON.stringify({ contributorId: flags.contributor, ...reputation, evaluatedOn: isoDayOf(fold.evaluationDay!), position }, null, 2) +
          '\n',
      );
    });
}
