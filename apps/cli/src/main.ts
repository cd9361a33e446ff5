import { runCli } from './cli-program';

/** Entry point of `1tt` (bin/1tt.js runs the compiled copy of this file). */
async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, exitCode: 0 });
  // Let stdout drain (large --json reports into a pipe) before exiting.
  process.exitCode = code;
}

main().catch((e: unknown) => {
  process.stderr.write(`1tt: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 3;
});
