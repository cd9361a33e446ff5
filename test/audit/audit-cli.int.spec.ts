import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEventLine, encodeHeaderLine } from '@1tt/audit';
import type { RecordedEvent } from '@1tt/event-store';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { createCliProgram } from '../../apps/cli/src/cli-program';
import { cli as cliIn } from '../support/cli';
import { ledgerSpecs, record, rerecord } from './support/ledger-log';

const repo = join(__dirname, '..', '..');

function writeExport(file: string, events: RecordedEvent[]): void {
  const header = encodeHeaderLine({
    format: '1tt-log',
    version: 1,
    exportedAt: '2025-03-01T00:00:00.000Z',
    fromPosition: 1,
    toPosition: events.length,
    contiguousPositions: true,
    source: 'sqlite',
  });
  writeFileSync(file, [header, ...events.map(encodeEventLine)].join('\n') + '\n');
}

const cli = (...argv: string[]) => cliIn({}, ...argv);

describe('1tt audit (in-process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), '1tt-audit-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify: 0 on an intact export, 1 naming the edited event, 2 on a non-export', async () => {
    const good = join(dir, 'good.ndjson');
    writeExport(good, record(ledgerSpecs()));
    const ok = await cli('audit', 'verify', good);
    expect(ok.stdout).toMatch(/^OK: 31 events/);
    expect(ok.code).toBe(0);

    const events = record(ledgerSpecs());
    (events[14].data as { amount: string }).amount = '1000.00';
    const bad = join(dir, 'bad.ndjson');
    writeExport(bad, events);
    const failed = await cli('audit', 'verify', bad, '--json');
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout);
    expect(report.problems[0]).toMatchObject({ code: 'hash-mismatch', position: 15, streamName: 'revenue-r1' });

    const notALog = join(dir, 'not.ndjson');
    writeFileSync(notALog, 'hello\n');
    const refused = await cli('audit', 'verify', notALog);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/line 1: the header is not JSON/);
  });

  it('verify --public-key: a recomputed chain is caught by the checkpoint', async () => {
    const keys = join(dir, 'keys');
    expect((await cli('audit', 'keygen', '--out', keys)).code).toBe(0);
    const { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM, LOG_HASH_GENESIS, loadPrivateKey, nextLogHash, signCheckpoint } =
      await import('@1tt/audit');
    const signed = (events: RecordedEvent[]): RecordedEvent[] => {
      let h = LOG_HASH_GENESIS;
      for (const e of events) h = nextLogHash(h, e.position, e.hash);
      const last = events[events.length - 1];
      const data = signCheckpoint(
        { position: last.position, logHash: h, headHash: last.hash },
        loadPrivateKey(readFileSync(join(keys, 'private.pem'))),
      );
      return rerecord([...events, { ...last, streamName: CHECKPOINT_STREAM, type: CHECKPOINT_EVENT_TYPE, data }]);
    };
    const log = signed(record(ledgerSpecs()));
    const file = join(dir, 'signed.ndjson');
    writeExport(file, log);
    const ok = await cli('audit', 'verify', file, '--public-key', join(keys, 'public.pem'));
    expect(ok.stdout).toMatch(/1\/1 signed checkpoints verified \(signed up to position 31\)/);
    expect(ok.code).toBe(0);

    // Token count of d1 edited where it enters the pool, every chain recomputed, the checkpoint kept.
    (log[7].data as { tokens: string }).tokens = '101';
    writeExport(file, rerecord(log));
    const caught = await cli('audit', 'verify', file, '--public-key', join(keys, 'public.pem'), '--json');
    expect(caught.code).toBe(1);
    const problems = JSON.parse(caught.stdout).problems as Array<{ code: string; position: number }>;
    expect(problems[0]).toMatchObject({ code: 'dataset-tokens-differ', position: 8, streamName: 'dataset-d1' });
    expect(problems.map((p) => p.code)).toContain('payout-allocation-tokens-differs');
    expect(problems.map((p) => p.code)).toContain('checkpoint-log-hash-mismatch');
  });

  it('replay and statement print the ledger as of a point', async () => {
    const file = join(dir, 'ledger.ndjson');
    writeExport(file, record(ledgerSpecs()));
    const replay = await cli('audit', 'replay', file, '--at-position', '16', '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout).pool.totalTokens).toBe('600');
    // No point given: the whole export (now); both given: refused.
    const whole = await cli('audit', 'replay', file, '--json');
    expect(whole.code).toBe(0);
    const last = record(ledgerSpecs()).at(-1)!.position;
    expect(JSON.parse(whole.stdout).position).toBe(last);
    expect((await cli('audit', 'replay', file, '--at-position', '3', '--as-of', '2025-01-01T00:00:00Z')).code).toBe(2);
    // Times go through the ledger's one parser (parseInstant), with the command line's shorthands: a bare date, no seconds, +0200.
    for (const t of ['2999-01-01', '2999-01-01T00:00Z', '2999-01-01T02:00:00+0200']) {
      expect(JSON.parse((await cli('audit', 'replay', file, '--as-of', t, '--json')).stdout).position).toBe(last);
    }
    const impossible = await cli('audit', 'replay', file, '--as-of', '2025-02-30T00:00:00Z');
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toMatch(/--as-of must be an ISO-8601 time .*has no day 30/);
    expect((await cli('audit', 'statement', file, '--contributor', 'c3', '--from', '2025-01-01T00:00:00')).code).toBe(2); // no zone

    const text = await cli('audit', 'statement', file, '--contributor', 'c3');
    expect(text.stdout).toMatch(/Allocated: +17\.01 USD/);
    expect(text.stdout).toMatch(/Balance: +2\.01 USD/);
    const json = JSON.parse((await cli('audit', 'statement', file, '--contributor', 'c3', '--format', 'json')).stdout);
    expect(
      json.runs.map((r: { revenueId: string; poolPosition: number; tokens: string; ratio: string; amount: string }) => [
        r.revenueId,
        r.poolPosition,
        r.tokens,
        r.ratio,
        r.amount,
      ]),
    ).toEqual([
      ['r1', 15, '300', '0.5', '15.00'],
      ['r2', 23, '300', '0.666666666666', '2.00'],
      ['r3', 27, '300', '0.666666666666', '0.01'],
    ]);
    const html = join(dir, 'statement.html');
    expect((await cli('audit', 'statement', file, '--contributor', 'c3', '--format', 'html', '--out', html)).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<td class="n">15.00 USD</td>');
  });
});

describe('1tt: --json everywhere, exit 4 for an unknown id', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), '1tt-cli-contract-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every command takes --json', () => {
    const leaves = (c: Command, path: string[] = []): Array<{ name: string; command: Command }> =>
      c.commands.length === 0 ? [{ name: path.join(' '), command: c }] : c.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
    const program = createCliProgram({ stdout: new PassThrough(), stderr: new PassThrough(), env: {}, exitCode: 0 });
    const all = leaves(program);
    expect(all.map((l) => l.name)).toEqual(
      expect.arrayContaining(['audit export', 'audit verify', 'audit statement', 'dataset reprocess']),
    );
    expect(all.filter((l) => !l.command.options.some((o) => o.long === '--json')).map((l) => l.name)).toEqual([]);
  });

  it('statement and reputation: an unknown contributor is exit 4 with a message; --json prints JSON', async () => {
    const file = join(dir, 'ledger.ndjson');
    writeExport(file, record(ledgerSpecs()));
    for (const argv of [
      ['audit', 'statement', file, '--contributor', 'nobody'],
      ['audit', 'statement', file, '--contributor', 'nobody', '--from', '2025-01-01T00:00:00Z'],
      ['audit', 'reputation', file, '--contributor', 'nobody'],
    ]) {
      const r = await cli(...argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({
        argv,
        code: 4,
        stderr: expect.stringMatching(/nobody is not in the log/),
      });
      expect(r.stdout).toBe('');
    }
    const json = await cli('audit', 'statement', file, '--contributor', 'c3', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ contributorId: 'c3', totals: { runs: 3 } });
  });
});

describe('bin/1tt.js as a child process', () => {
  it('prints the help of the command and of the audit group', () => {
    const top = spawnSync(process.execPath, [join(repo, 'bin', '1tt.js'), '--help'], { encoding: 'utf8', cwd: repo, timeout: 60_000 });
    expect(top.stderr).toBe('');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: 1tt/);
    expect(top.stdout).toMatch(/audit/);
    const audit = spawnSync(process.execPath, [join(repo, 'bin', '1tt.js'), 'audit', '--help'], {
      encoding: 'utf8',
      cwd: repo,
      timeout: 60_000,
    });
    expect(audit.status).toBe(0);
    for (const c of ['export', 'verify', 'replay', 'statement', 'keygen']) expect(audit.stdout).toContain(c);
  });

  it('verifies a real export: 0 when intact, non-zero naming the edited event', () => {
    const dir = mkdtempSync(join(tmpdir(), '1tt-audit-bin-'));
    try {
      const file = join(dir, 'log.ndjson');
      writeExport(file, record(ledgerSpecs()));
      const ok = spawnSync(process.execPath, [join(repo, 'bin', '1tt.js'), 'audit', 'verify', file, '--json'], {
        encoding: 'utf8',
        cwd: repo,
        timeout: 60_000,
      });
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, events: 31 });
      const events = record(ledgerSpecs());
      (events[16].data as { allocations: Array<{ amount: string }> }).allocations[0].amount = '50.00';
      writeExport(file, events);
      const bad = spawnSync(process.execPath, [join(repo, 'bin', '1tt.js'), 'audit', 'verify', file], {
        encoding: 'utf8',
        cwd: repo,
        timeout: 60_000,
      });
      expect(bad.status).toBe(1);
      expect(bad.stdout + bad.stderr).toMatch(/position 17, stream payout-run-r1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
