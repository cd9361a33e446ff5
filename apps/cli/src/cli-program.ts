import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.command';
import { datasetCommand } from './commands/dataset-reprocess.command';
import { CliNotFoundError, CliUsageError, EXIT, type CliContext } from './cli-context';

/**
 * The `1tt` program. One file per command under commands/; a command group
 * (audit, and later dataset) is a file that adds its subcommands. To add a
 * group: write commands/<group>.command.ts and add it here.
 */
export function createCliProgram(ctx: CliContext): Command {
  const program = new Command('1tt')
    .description('1TT Ledger command line: audit the event log offline (export, verify, replay, statements)')
    .version(cliVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Environment (export and dataset reprocess; read by @1tt/config with the service's defaults):
  EVENT_STORE_URL   sqlite:<DATA_DIR>/events.db (default), postgres://…, esdb://… or kurrentdb://…
  BLOB_STORE_URL    file:<DATA_DIR>/blobs (default) or mongodb://…
  DATA_DIR          ./data

Exit status: 0 ok; 1 verify found a problem (reprocess: differs); 2 bad arguments or malformed input; 3 store or I/O failure;
4 an id (contributor, dataset) the log does not know.
Every command that prints a result takes --json (machine-readable output on stdout; no progress bar).`,
    )
    .addCommand(auditCommand(ctx))
    .addCommand(datasetCommand(ctx));
  // Subcommands inherit exitOverride/output only when set on each of them.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => void ctx.stdout.write(s), writeErr: (s) => void ctx.stderr.write(s) });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** The repository's version, found by walking up (the file runs from apps/cli/src or from dist/apps/cli/src). */
function cliVersion(): string {
  for (let dir = __dirname, i = 0; i < 6; dir = dirname(dir), i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '1tt-ledger' && pkg.version) return pkg.version;
    } catch {
      /* not here: go up */
    }
  }
  return '0.0.0';
}

/** Runs the program on argv (without node and the script) and returns the exit status; never calls process.exit. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const program = createCliProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof CliNotFoundError) {
      ctx.stderr.write(`1tt: ${e.message}\n`);
      return EXIT.notFound;
    }
    const err = e as Error & { code?: string };
    const usage =
      e instanceof CliUsageError ||
      err.name === 'LogFormatError' ||
      err.name === 'ValidationError' ||
      err.code === 'ENOENT' ||
      err.code === 'EISDIR';
    ctx.stderr.write(`1tt: ${err.message}\n`);
    if (!usage && ctx.env.ONETT_DEBUG) ctx.stderr.write(`${err.stack}\n`);
    return usage ? EXIT.usage : EXIT.failure;
  }
}
