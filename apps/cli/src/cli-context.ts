import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { ValidationError } from '@1tt/domain-errors';
import { expandInstantShorthand, parseInstant } from '@1tt/ledger';

/**
 * What a command may touch besides its arguments: the output streams and
 * the environment. Passed in (not read from globals) so tests run the real
 * program in-process with their own streams and variables.
 */
export interface CliContext {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Set by an action; main() exits with it. */
  exitCode: number;
}

/** Exit codes, documented in `1tt --help`. */
export const EXIT = {
  ok: 0,
  /** verify found a problem in the log */
  verifyFailed: 1,
  /** bad arguments, unreadable or malformed input */
  usage: 2,
  /** the store or the file system failed */
  failure: 3,
  /** an id (contributor, dataset) the log does not know */
  notFound: 4,
} as const;

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** An id the log (or the export) does not know: exit status 4, the message on stderr. */
export class CliNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliNotFoundError';
  }
}

export interface Progress {
  start(total: number, label: string): void;
  update(value: number): void;
  stop(): void;
}

/** An onProgress(value, total) callback for work whose total is known only once it runs: the bar starts at the first call. */
export function trackProgress(progress: Progress, label: string): (value: number, total: number) => void {
  let started = false;
  return (value, total) => {
    if (!started) {
      progress.start(total, label);
      started = true;
    }
    progress.update(value);
  };
}

/** A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or --json runs). */
export function progressFor(ctx: CliContext, enabled: boolean): Progress {
  if (!enabled || !ctx.stderr.isTTY) return { start: () => undefined, update: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  return {
    start(total, label) {
      bar = new SingleBar({
        stream: ctx.stderr as NodeJS.WritableStream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      });
      bar.start(Math.max(total, 1), 0);
    },
    update(value) {
      bar?.update(value);
    },
    stop() {
      bar?.stop();
    },
  };
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

/** Parses a non-negative integer option, or throws a usage error naming the option. */
export function parsePositionOption(name: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
      throw new CliUsageError(`${name} must be a whole number ≥ 0, got "${value}"`);
    return Number(value);
  };
}

/**
 * Parses an ISO-8601 time option with the ledger's one parser (parseInstant),
 * after the shorthands a command line accepts (a bare date is midnight UTC,
 * seconds and the offset's colon may be left out); the canonical UTC form,
 * or a usage error naming the option.
 */
export function parseInstantOption(name: string): (value: string) => string {
  return (value: string) => {
    const expanded = expandInstantShorthand(value);
    try {
      return parseInstant(expanded, name);
    } catch (e) {
      // A far year is still a time (e.g. --as-of 2999-01-01 for "all of it"): only the ledger's own fields are bounded.
      if (e instanceof ValidationError && e.code === 'time-out-of-range') return new Date(Date.parse(expanded)).toISOString();
      const why = e instanceof ValidationError && e.code === 'time-impossible' ? ` (${e.message})` : '';
      throw new CliUsageError(`${name} must be an ISO-8601 time such as 2025-01-31T23:59:59Z${why}, got "${value}"`);
    }
  };
}

export function parseTimeOption(name: string): (value: string) => Date {
  const parse = parseInstantOption(name);
  return (value: string) => new Date(parse(value));
}
