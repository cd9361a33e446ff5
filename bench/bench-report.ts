/**
 * What every benchmark prints: a label, a figure and its unit, one per line,
 * plus the process's peak resident memory (from the kernel, so it includes
 * native allocations such as SQLite's page cache).
 */
import { readFileSync } from 'node:fs';

export function report(label: string, value: number, unit: string): void {
  const shown = value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
  process.stdout.write(`${label.padEnd(58)} ${shown.padStart(14)} ${unit}\n`);
}

/** Peak resident set size of this process in MiB (VmHWM), or NaN off Linux. */
export function peakRssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Runs fn and returns seconds elapsed. */
export async function timed(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Smaller sizes when BENCH_QUICK=1 (used to smoke-test the benchmarks). */
export const quick = process.env.BENCH_QUICK === '1';
