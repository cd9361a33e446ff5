import { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { auditExportCommand } from './audit-export.command';
import { auditKeygenCommand } from './audit-keygen.command';
import { auditReplayCommand } from './audit-replay.command';
import { auditReputationCommand } from './audit-reputation.command';
import { auditStatementCommand } from './audit-statement.command';
import { auditVerifyCommand } from './audit-verify.command';

/** `1tt audit …`: the auditor's tools. Only `export` touches a store; the rest work offline on the exported file. */
export function auditCommand(ctx: CliContext): Command {
  return new Command('audit')
    .description('Export the event log and verify, replay and explain it offline')
    .addCommand(auditExportCommand(ctx))
    .addCommand(auditVerifyCommand(ctx))
    .addCommand(auditReplayCommand(ctx))
    .addCommand(auditStatementCommand(ctx))
    .addCommand(auditReputationCommand(ctx))
    .addCommand(auditKeygenCommand(ctx))
    .addHelpText(
      'after',
      `
Typical session:
  $ 1tt audit export --out log.ndjson                 # on a machine that can reach the store
  $ 1tt audit verify log.ndjson --public-key public.pem
  $ 1tt audit replay log.ndjson --as-of 2025-06-30T23:59:59Z
  $ 1tt audit statement log.ndjson --contributor <id> --format html --out statement.html
  $ 1tt audit reputation log.ndjson --contributor <id> --at-position 1234`,
    );
}
