import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { createLedgerAudit, describeProblem, loadPublicKey, openLogFile, verifyLog, type VerifyReport } from '@1tt/audit';
import { CliUsageError, EXIT, parsePositionOption, printJson, progressFor, type CliContext } from '../cli-context';

interface VerifyFlags {
  publicKey?: string;
  json?: boolean;
  maxProblems: number;
  chainsOnly?: boolean;
}

export function auditVerifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description(
      'Verify an export offline: hash chains, signed checkpoints, and every payout run, posting and balance recomputed from the events',
    )
    .argument('<file>', 'the export (NDJSON from `1tt audit export`), or - for standard input')
    .option('--public-key <pem>', "the service's checkpoint public key (Ed25519 PEM): checks every signed checkpoint")
    .option('--json', 'print the full report as JSON on stdout')
    .option('--max-problems <n>', 'problems to list (lowest positions first)', parsePositionOption('--max-problems'), 20)
    .option('--chains-only', 'check hashes, positions and checkpoints only; skip the ledger recomputation')
    .addHelpText(
      'after',
      '\nExit status: 0 when everything matches, 1 when the log differs (the first problem is named: position, stream, what differs), 2 for a malformed file or bad arguments.',
    )
    .action(async (file: string, flags: VerifyFlags) => {
      let publicKey;
      if (flags.publicKey) {
        try {
          publicKey = loadPublicKey(readFileSync(flags.publicKey));
        } catch (e) {
          throw new CliUsageError(`--public-key: cannot load an Ed25519 public key from ${flags.publicKey}: ${(e as Error).message}`);
        }
      }
      const log = await openLogFile(file);
      const progress = progressFor(ctx, !flags.json);
      progress.start(log.header.toPosition, 'verify');
      let report: VerifyReport;
      try {
        report = await verifyLog(log.header, log.lines, {
          publicKey,
          audits: flags.chainsOnly ? [] : [createLedgerAudit()],
          maxProblems: Math.max(flags.maxProblems, 1),
          onProgress: (n) => progress.update(n),
        });
      } finally {
        progress.stop();
        log.close();
      }
      ctx.exitCode = report.ok ? EXIT.ok : EXIT.verifyFailed;
      if (flags.json) {
        printJson(ctx, report);
        return;
      }
      const out = (s: string): boolean => ctx.stdout.write(s + '\n');
      const cp = report.checkpoints;
      const cpText = cp.signaturesChecked
        ? `${cp.verified}/${cp.total} signed checkpoints verified${cp.lastVerifiedPosition ? ` (signed up to position ${cp.lastVerifiedPosition}${cp.lastVerifiedCheckpointAt < report.lastPosition ? `; events after position ${cp.lastVerifiedCheckpointAt}, up to ${report.lastPosition}, are not covered by a signature yet` : ''})` : ''}`
        : `${cp.total} checkpoints (signatures not checked: pass --public-key)`;
      out(
        `${report.ok ? 'OK' : 'FAILED'}: ${report.events} events in ${report.streams} streams up to position ${report.lastPosition}; ${cpText}`,
      );
      for (const [k, v] of Object.entries(report.domain)) out(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      out(`  log hash: ${report.logHash}`);
      if (!report.ok) {
        out(`first problem: ${report.firstProblem}`);
        const rest = report.problems.slice(1);
        if (rest.length) out(`then (${report.problemCount} problems in all):`);
        for (const p of rest) out(`  ${describeProblem(p)}`);
      }
    });
}
