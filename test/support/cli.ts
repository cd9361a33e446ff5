import { PassThrough } from 'node:stream';
import { runCli } from '../../apps/cli/src/cli-program';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `1tt <argv…>` in this process with the given environment (nothing of process.env) and answers its exit code and output. */
export async function cli(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(argv, { stdout, stderr, env, exitCode: 0 });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
