/**
 * `1tt audit verify` throughput: writes a log of 1,000,000 events as NDJSON
 * with the real ledger event shapes (correct per-stream chains; mostly
 * dataset events across 3,000 contributors, a revenue report every 50,000
 * events, alternately snapshot and time-weighted, with its payout run
 * computed by @1tt/ledger: Started, 2 allocation chunks, Completed, a signed checkpoint every 100,000), then verifies it the
 * way the CLI does (stream the file, chains, checkpoints, ledger
 * recomputation) and prints events/s and peak memory. BENCH_QUICK=1: 50,000.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@1tt/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  createLedgerAudit,
  encodeEventLine,
  encodeHeaderLine,
  GENESIS_HASH,
  LedgerReplay,
  LogHashWindow,
  openLogFile,
  recomputeEventHash,
  signCheckpoint,
  verifyLog,
} from '@1tt/audit';
import { peakRssMiB, quick, report, timed } from './bench-report';

const TOTAL = quick ? 50_000 : 1_000_000;
// > 2,000 so every run is cut into two PayoutRunAllocationsRecorded chunks.
const CONTRIBUTORS = 3_000;
const REVENUE_EVERY = quick ? 10_000 : 50_000;
const CHECKPOINT_EVERY = quick ? 20_000 : 100_000;

async function writeLog(file: string, privateKey: KeyObject): Promise<number> {
  const out = createWriteStream(file);
  const heads = new Map<string, { revision: number; hash: string }>();
  const replay = new LedgerReplay();
  const logHash = new LogHashWindow(4);
  const t0 = Date.UTC(2025, 0, 1);
  let position = 0;
  let lastHash = GENESIS_HASH;
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  const append = async (streamName: string, type: string, data: unknown): Promise<void> => {
    position += 1;
    const head = heads.get(streamName);
    const e: RecordedEvent = {
      id: `00000000-0000-4000-8000-${position.toString(16).padStart(12, '0')}`,
      streamName,
      type,
      data,
      metadata: {
        correlationId: 'bench',
        causationId: 'bench',
        actor: 'system:bench',
        schemaVersion: 1,
        recordedAt: new Date(t0 + position * 10).toISOString(),
      },
      revision: head ? head.revision + 1 : 0,
      position,
      prevHash: head ? head.hash : GENESIS_HASH,
      hash: '',
    };
    e.hash = recomputeEventHash(e);
    heads.set(streamName, { revision: e.revision, hash: e.hash });
    lastHash = e.hash;
    replay.apply(e);
    logHash.add(position, e.hash);
    buffer += encodeEventLine(e) + '\n';
    if (buffer.length > 1 << 20) await flush();
  };

  buffer =
    encodeHeaderLine({
      format: '1tt-log',
      version: 1,
      exportedAt: new Date().toISOString(),
      fromPosition: 1,
      toPosition: TOTAL,
      contiguousPositions: true,
      source: 'bench',
    }) + '\n';
  const iso = (): string => new Date(t0 + (position + 1) * 10).toISOString();
  await append('consumer-acme', 'ConsumerRegistered', { consumerId: 'acme', displayName: 'Acme', registeredAt: iso() });
  await append('consumer-acme', 'RevenueShareAgreed', {
    consumerId: 'acme',
    alpha: '0.3',
    currency: 'USD',
    policy: 'snapshot',
    effectiveFrom: new Date(t0).toISOString(),
    agreedAt: iso(),
  });
  await append('consumer-beta', 'ConsumerRegistered', { consumerId: 'beta', displayName: 'Beta', registeredAt: iso() });
  await append('consumer-beta', 'RevenueShareAgreed', {
    consumerId: 'beta',
    alpha: '0.3',
    currency: 'USD',
    policy: 'time-weighted',
    effectiveFrom: new Date(t0).toISOString(),
    agreedAt: iso(),
  });
  for (let c = 0; c < CONTRIBUTORS && position < TOTAL; c++)
    await append(`contributor-c${c}`, 'ContributorRegistered', {
      contributorId: `c${c}`,
      displayName: `Contributor ${c}`,
      registeredAt: iso(),
    });
  let dataset = 0;
  let revenue = 0;
  let nextRevenue = REVENUE_EVERY;
  let nextCheckpoint = CHECKPOINT_EVERY;
  while (position < TOTAL) {
    if (position >= nextRevenue && position + 6 <= TOTAL) {
      nextRevenue += REVENUE_EVERY;
      const revenueId = `r${revenue++}`;
      // Alternate the two policies so both recomputations are measured.
      const timeWeighted = revenue % 2 === 0;
      await append(`revenue-${revenueId}`, 'RevenueReported', {
        revenueId,
        consumerId: timeWeighted ? 'beta' : 'acme',
        amount: '12345.67',
        currency: 'USD',
        periodStart: new Date(t0).toISOString(),
        periodEnd: new Date(t0 + TOTAL * 10).toISOString(),
        alpha: '0.3',
        policy: timeWeighted ? 'time-weighted' : 'snapshot',
        agreementEffectiveFrom: new Date(t0).toISOString(),
        idempotencyKey: revenueId,
        inputHash: 'cd'.repeat(32),
        reportedAt: iso(),
      });
      const { events } = replay.expectedRun(replay.revenue.get(revenueId)!);
      if (position + events.length > TOTAL) break;
      for (const ev of events) await append(`payout-run-${revenueId}`, ev.type, ev.data);
      continue;
    }
    if (position >= nextCheckpoint && position + 1 <= TOTAL) {
      nextCheckpoint += CHECKPOINT_EVERY;
      await append(
        CHECKPOINT_STREAM,
        CHECKPOINT_EVENT_TYPE,
        signCheckpoint({ position, logHash: logHash.current, headHash: lastHash }, privateKey),
      );
      continue;
    }
    const id = `d${dataset++}`;
    const contributorId = `c${dataset % CONTRIBUTORS}`;
    const tokens = String(1000 + (dataset % 977));
    await append(`dataset-${id}`, 'DatasetUploaded', {
      kind: 'contribution',
      contributorId,
      datasetId: id,
      fileName: `${id}.jsonl`,
      format: 'jsonl',
      compression: 'none',
      sizeBytes: 123456,
      sha256: 'ab'.repeat(32),
      blobRef: `sha256/${id}`,
      textField: 'text',
      uploadedAt: iso(),
    });
    if (position < TOTAL)
      await append(`dataset-${id}`, 'DatasetTokensCounted', { datasetId: id, tokenizer: 'o200k_base', tokens, countedAt: iso() });
    if (position < TOTAL)
      await append(`dataset-${id}`, 'DatasetAccepted', { kind: 'contribution', contributorId, datasetId: id, tokens, acceptedAt: iso() });
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return position;
}

/** Verifies in a fresh process so that its peak memory is verify's alone. */
async function verifyChild(file: string, publicKeyPem: string, withLedger: boolean): Promise<void> {
  const log = await openLogFile(file);
  let result: Awaited<ReturnType<typeof verifyLog>> | undefined;
  const secs = await timed(async () => {
    result = await verifyLog(log.header, log.lines, {
      publicKey: createPublicKey(publicKeyPem),
      audits: withLedger ? [createLedgerAudit()] : [],
    });
  });
  if (!result?.ok) throw new Error(`the generated log does not verify: ${result?.firstProblem}`);
  const label = withLedger ? 'verify: chains + checkpoints + ledger recomputation' : 'verify: chains + signed checkpoints';
  report(label, result.events / secs, 'events/s');
  report(`${label}: peak RSS`, peakRssMiB(), 'MiB');
}

async function main(): Promise<void> {
  if (process.argv[2] === 'verify-child')
    return verifyChild(process.argv[3], readFileSync(process.argv[4], 'utf8'), process.argv[5] === 'ledger');
  const dir = mkdtempSync(join(tmpdir(), '1tt-audit-bench-'));
  try {
    const file = join(dir, 'log.ndjson');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pubFile = join(dir, 'public.pem');
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
    let written = 0;
    const genSecs = await timed(async () => {
      written = await writeLog(file, privateKey);
    });
    report('log written', written, 'events');
    report('log size', statSync(file).size / 1e6, 'MB');
    report('generate (hash + serialise)', written / genSecs, 'events/s');
    for (const mode of ['chains', 'ledger']) {
      const run = spawnSync(process.execPath, [...process.execArgv, __filename, 'verify-child', file, pubFile, mode], { stdio: 'inherit' });
      if (run.status !== 0) throw new Error(`verify (${mode}) exited with ${run.status ?? run.signal}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
