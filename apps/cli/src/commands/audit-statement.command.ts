import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import {
  buildPeriodStatement,
  buildStatement,
  eventsOf,
  openLogFile,
  renderPeriodStatementCsv,
  renderStatementHtml,
  renderStatementText,
} from '@1tt/audit';
import { CliNotFoundError, parseInstantOption, parsePositionOption, type CliContext } from '../cli-context';

interface StatementFlags {
  contributor: string;
  format: 'json' | 'text' | 'html' | 'csv';
  out?: string;
  atPosition?: number;
  from?: string;
  to?: string;
  json?: boolean;
}

const notInLog = (contributorId: string) =>
  new CliNotFoundError(`contributor ${contributorId} is not in the log (no registration, allocation or settlement)`);

export function auditStatementCommand(ctx: CliContext): Command {
  return new Command('statement')
    .description(
      "A contributor's payout statement from an export: every payout run (pool position, tokens, ratio, amount), settlements and totals",
    )
    .argument('<file>', 'the export (NDJSON), or - for standard input')
    .requiredOption('--contributor <id>', 'the contributor id')
    .addOption(
      new Option('--format <format>', 'output format (csv: the period statement)').choices(['json', 'text', 'html', 'csv']).default('text'),
    )
    .option(
      '--from <time>',
      'period statement from this recorded time (ISO-8601): opening balance, lines, closing — what GET /v1/contributors/{id}/statements answers',
      parseInstantOption('--from'),
    )
    .option('--to <time>', 'period statement up to this recorded time (excluded)', parseInstantOption('--to'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--json', 'the same as --format json')
    .option('--at-position <n>', 'the statement as of this log position', parsePositionOption('--at-position'))
    .action(async (file: string, flags: StatementFlags) => {
      if (flags.json) flags.format = 'json';
      const log = await openLogFile(file);
      if (flags.from !== undefined || flags.to !== undefined || flags.format === 'csv') {
        let period;
        try {
          period = await buildPeriodStatement(eventsOf(log.lines), flags.contributor, {
            from: flags.from,
            to: flags.to,
            atPosition: flags.atPosition,
          });
        } finally {
          log.close();
        }
        if (!period.contributorDisplayName && period.lines.length === 0 && period.currencies.length === 0)
          throw notInLog(flags.contributor);
        const text = flags.format === 'csv' ? renderPeriodStatementCsv(period) : JSON.stringify(period, null, 2) + '\n';
        if (flags.format !== 'csv' && flags.format !== 'json') ctx.stderr.write('a period statement is written as json or csv\n');
        if (flags.out) writeFileSync(flags.out, text);
        else ctx.stdout.write(text);
        return;
      }
      let statement;
      try {
        statement = await buildStatement(eventsOf(log.lines), flags.contributor, { atPosition: flags.atPosition });
      } finally {
        log.close();
      }
      if (
        !statement.contributorDisplayName &&
        statement.runs.length === 0 &&
        statement.adjustments.length === 0 &&
        statement.settlements.length === 0
      )
        throw notInLog(flags.contributor);
      const body =
        flags.format === 'json'
          ? JSON.stringify(statement, null, 2) + '\n'
          : flags.format === 'html'
            ? renderStatementHtml(statement)
            : renderStatementText(statement);
      if (flags.out) {
        writeFileSync(flags.out, body);
        ctx.stderr.write(`wrote ${flags.out} (${statement.runs.length} payout runs)\n`);
      } else ctx.stdout.write(body);
    });
}
