import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { buildStatement, eventsOf, openLogFile, renderStatementHtml, renderStatementText } from '@1tt/audit';
import { parsePositionOption, type CliContext } from '../cli-context';

interface StatementFlags {
  contributor: string;
  format: 'json' | 'text' | 'html';
  out?: string;
  atPosition?: number;
}

export function auditStatementCommand(ctx: CliContext): Command {
  return new Command('statement')
    .description(
      "A contributor's payout statement from an export: every payout run (pool position, tokens, ratio, amount), settlements and totals",
    )
    .argument('<file>', 'the export (NDJSON), or - for standard input')
    .requiredOption('--contributor <id>', 'the contributor id')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'html']).default('text'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--at-position <n>', 'the statement as of this log position', parsePositionOption('--at-position'))
    .action(async (file: string, flags: StatementFlags) => {
      const log = await openLogFile(file);
      let statement;
      try {
        statement = await buildStatement(eventsOf(log.lines), flags.contributor, { atPosition: flags.atPosition });
      } finally {
        log.close();
      }
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
