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

/** The median and 99th percentile of samples (any unit). */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] };
}

/** Runs fn n times one after the other and reports the p50 and p99 of its latency, in ms or µs. */
export async function latency(label: string, n: number, fn: (i: number) => Promise<unknown>, unit: 'ms' | 'µs' = 'ms'): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const { p50, p99 } = percentiles(samples);
  const scale = unit === 'µs' ? 1000 : 1;
  report(`${label} p50`, p50 * scale, unit);
  report(`${label} p99`, p99 * scale, unit);
}
