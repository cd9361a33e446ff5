import { Command } from 'commander';
import { eventsOf, openLogFile, replayLog, type LedgerSnapshot } from '@1tt/audit';
import { CliUsageError, parsePositionOption, parseTimeOption, printJson, type CliContext } from '../cli-context';

interface ReplayFlags {
  asOf?: Date;
  atPosition?: number;
  json?: boolean;
}

export function auditReplayCommand(ctx: CliContext): Command {
  return new Command('replay')
    .description(
      'Replay an export offline and print the pool, ratios, contributor metrics and balances as of a time or position (the same numbers the API gives for that point)',
    )
    .argument('<file>', 'the export (NDJSON), or - for standard input')
    .option('--as-of <time>', 'ISO-8601 time: include events recorded at or before it', parseTimeOption('--as-of'))
    .option(
      '--at-position <n>',
      'log position: include events up to it (default, with no --as-of: the whole export)',
      parsePositionOption('--at-position'),
    )
    .option('--json', 'print the snapshot as JSON')
    .action(async (file: string, flags: ReplayFlags) => {
      if (flags.asOf !== undefined && flags.atPosition !== undefined)
        throw new CliUsageError('give at most one of --as-of <time> or --at-position <n> (neither: the end of the export, i.e. now)');
      const log = await openLogFile(file);
      let snapshot: LedgerSnapshot;
      try {
        snapshot = await replayLog(
          eventsOf(log.lines),
          flags.asOf ? { asOf: flags.asOf } : flags.atPosition !== undefined ? { atPosition: flags.atPosition } : {},
        );
      } finally {
        log.close();
      }
      if (flags.json) printJson(ctx, snapshot);
      else ctx.stdout.write(renderSnapshot(snapshot));
    });
}

function money(m: Record<string, string>): string {
  const parts = Object.entries(m).map(([c, v]) => `${v} ${c}`);
  return parts.length ? parts.join(', ') : '0';
}

function renderSnapshot(s: LedgerSnapshot): string {
  const out: string[] = [
    `As of log position ${s.position}${s.recordedAt ? ` (${s.recordedAt})` : ''}`,
    '',
    `Pool: ΣT = ${s.pool.totalTokens} tokens, ${s.pool.contributors.length} contributors`,
  ];
  for (const c of s.pool.contributors) out.push(`  ${c.contributorId.padEnd(38)} ${c.tokens.padStart(14)} tokens  ratio ${c.ratio}`);
  out.push('', 'Contributors:');
  for (const c of s.contributors) {
    out.push(
      `  ${c.contributorId}: ratio ${c.contributionRatio}, tokens ${c.tokens}, revenue to date ${money(c.currentRevenue)}, paid out ${money(c.paidOut)}, balance ${money(c.balance)}, expected next ${money(c.expectedPayout)}`,
    );
  }
  out.push('', `Payout runs: ${s.payoutRuns.length}`);
  for (const r of s.payoutRuns)
    out.push(
      `  ${r.revenueId} at ${r.position}: pool ${r.poolAmount} ${r.currency} over ΣT ${r.totalTokens} (pool position ${r.poolPosition}), remainder ${r.remainder}`,
    );
  out.push('', 'Balances (credit-positive, as the ledger posts them):');
  for (const b of s.balances) out.push(`  ${b.account.padEnd(60)} ${b.balance.padStart(16)} ${b.currency}`);
  out.push(`  postings sum per currency: ${money(s.postingTotals)}`);
  return out.join('\n') + '\n';
}
