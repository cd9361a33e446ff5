import type { KeyObject } from 'node:crypto';
import type { RecordedEvent } from '@1tt/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  checkpointSignatureValid,
  publicKeyFingerprint,
  type LogCheckpointSigned,
} from '../checkpoints/checkpoint-signature';
import { LogHashWindow } from '../checkpoints/log-hash';
import type { LogHeader, LogLine } from '../log-format';
import { GENESIS_HASH, recomputeEventHash } from './event-hash';
import { describeProblem, ProblemList, type VerifyProblem } from './verify-problem';

/** A domain check fed every event after the chain checks (see ledger-audit.ts). */
export interface EventAudit {
  onEvent(event: RecordedEvent, line: number, report: (p: VerifyProblem) => void): void;
  finish(report: (p: VerifyProblem) => void): void;
  summary(): Record<string, unknown>;
}

export interface VerifyOptions {
  /** Verify every checkpoint's signature with this Ed25519 public key. */
  publicKey?: KeyObject;
  /** Domain checks (payout runs, postings, balances); none = hash chains only. */
  audits?: EventAudit[];
  /** How many problems to keep (lowest positions first); default 100. */
  maxProblems?: number;
  onProgress?: (events: number) => void;
}

export interface CheckpointSummary {
  total: number;
  /** Signature valid and log hash equal to the recomputed one. */
  verified: number;
  /** Last position covered by a verified checkpoint (0 if none). */
  lastVerifiedPosition: number;
  /** Position of the last verified checkpoint event itself: events after it are covered by no signature. */
  lastVerifiedCheckpointAt: number;
  /** Whether signatures were checked (a public key was given). */
  signaturesChecked: boolean;
}

export interface VerifyReport {
  ok: boolean;
  header: LogHeader;
  events: number;
  streams: number;
  lastPosition: number;
  /** The rolling log hash at lastPosition (what a checkpoint there would sign). */
  logHash: string;
  checkpoints: CheckpointSummary;
  domain: Record<string, unknown>;
  /** The first problem (lowest position), as one sentence; undefined when ok. */
  firstProblem?: string;
  problems: VerifyProblem[];
  problemCount: number;
}

interface StreamHead {
  revision: number;
  hash: string;
}

/**
 * Verifies an export in one streaming pass: header bounds, positions,
 * per-stream revisions and hash chains (each hash recomputed with the event
 * store's own function), time order, the rolling log hash and every signed
 * checkpoint, then hands each event to the domain audits. Memory: one entry
 * per stream plus the audits' state, never the events themselves.
 */
export async function verifyLog(header: LogHeader, lines: AsyncIterable<LogLine>, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems = new ProblemList(options.maxProblems ?? 100);
  const report = (p: VerifyProblem): void => problems.add(p);
  const audits = options.audits ?? [];
  const streams = new Map<string, StreamHead>();
  const window = new LogHashWindow();
  const fingerprint = options.publicKey ? publicKeyFingerprint(options.publicKey) : undefined;
  const checkpoints: CheckpointSummary = {
    total: 0,
    verified: 0,
    lastVerifiedPosition: 0,
    lastVerifiedCheckpointAt: 0,
    signaturesChecked: !!options.publicKey,
  };

  let events = 0;
  let last = 0;
  let lastTime = '';
  for await (const { line, event: e } of lines) {
    events += 1;
    const at = { position: e.position, streamName: e.streamName, revision: e.revision, eventType: e.type, eventId: e.id, line };

    if (e.position <= last) {
      report({
        ...at,
        code: 'position-out-of-order',
        message: `position ${e.position} comes after position ${last}: events were reordered, duplicated or inserted`,
        expected: `> ${last}`,
        actual: e.position,
      });
    } else if (header.contiguousPositions && e.position !== last + 1) {
      report({
        line,
        position: last + 1,
        code: 'position-missing',
        message: `position${e.position - last > 2 ? `s ${last + 1}–${e.position - 1} are` : ` ${last + 1} is`} missing (the next event present is at ${e.position}): an event was dropped`,
        expected: last + 1,
        actual: e.position,
      });
    }
    if (e.position > header.toPosition) {
      report({
        ...at,
        code: 'beyond-header',
        message: `position ${e.position} is beyond the header's toPosition ${header.toPosition}: appended after the export`,
        expected: `<= ${header.toPosition}`,
        actual: e.position,
      });
    }
    if (e.metadata.recordedAt < lastTime) {
      report({
        ...at,
        code: 'time-out-of-order',
        message: `recordedAt ${e.metadata.recordedAt} is earlier than the previous event's ${lastTime}: events were reordered`,
        expected: `>= ${lastTime}`,
        actual: e.metadata.recordedAt,
      });
    }

    const head = streams.get(e.streamName);
    const expectedRevision = head ? head.revision + 1 : 0;
    const expectedPrev = head ? head.hash : GENESIS_HASH;
    if (e.revision !== expectedRevision) {
      report({
        ...at,
        code: e.revision > expectedRevision ? 'revision-missing' : 'revision-out-of-order',
        message:
          e.revision > expectedRevision
            ? `stream ${e.streamName} ${head ? `jumps from revision ${head.revision} to ${e.revision}` : `starts at revision ${e.revision}`}: revision${e.revision - expectedRevision > 1 ? 's' : ''} ${expectedRevision}${e.revision - expectedRevision > 1 ? `–${e.revision - 1}` : ''} missing (dropped or reordered)`
            : `stream ${e.streamName} has revision ${e.revision} after revision ${expectedRevision - 1}: reordered or duplicated`,
        expected: expectedRevision,
        actual: e.revision,
      });
    } else if (e.prevHash !== expectedPrev) {
      report({
        ...at,
        code: 'prev-hash-mismatch',
        message: `prevHash does not match the hash of the stream's previous event: the chain was broken`,
        expected: expectedPrev,
        actual: e.prevHash,
      });
    }
    const recomputed = recomputeEventHash(e);
    if (recomputed !== e.hash) {
      report({
        ...at,
        code: 'hash-mismatch',
        message: `the event's content does not match its hash: it was edited after it was written`,
        expected: recomputed,
        actual: e.hash,
      });
    }
    // Chain on the recorded hash so one edit is reported once, not at every later event of the stream.
    streams.set(e.streamName, { revision: e.revision, hash: e.hash });
    if (e.position > last) {
      last = e.position;
      window.add(e.position, e.hash);
    }
    if (e.metadata.recordedAt > lastTime) lastTime = e.metadata.recordedAt;

    if (e.streamName === CHECKPOINT_STREAM && e.type === CHECKPOINT_EVENT_TYPE) {
      checkCheckpoint(e as RecordedEvent<string, LogCheckpointSigned>, line);
    }
    for (const a of audits) a.onEvent(e, line, report);
    if (options.onProgress && events % 10000 === 0) options.onProgress(events);
  }

  function checkCheckpoint(e: RecordedEvent<string, LogCheckpointSigned>, line: number): void {
    checkpoints.total += 1;
    const at = { position: e.position, streamName: e.streamName, revision: e.revision, eventType: e.type, eventId: e.id, line };
    const d = e.data;
    const since = checkpoints.lastVerifiedPosition;
    if (options.publicKey) {
      if (d.publicKeyFingerprint !== fingerprint) {
        report({
          ...at,
          code: 'checkpoint-unknown-key',
          message: `the checkpoint was signed by key ${String(d.publicKeyFingerprint).slice(0, 16)}…, not by the given public key`,
          expected: fingerprint,
          actual: d.publicKeyFingerprint,
        });
        return;
      }
      if (!checkpointSignatureValid(d, options.publicKey)) {
        report({
          ...at,
          code: 'checkpoint-signature-invalid',
          message: `the checkpoint's signature is not valid for the given public key: the checkpoint was forged or edited`,
        });
        return;
      }
    }
    const expected = window.at(d.position);
    if (expected === undefined) {
      report({
        ...at,
        code: 'checkpoint-position-unknown',
        message: `the checkpoint signs position ${d.position}, which is not in the log before it`,
      });
      return;
    }
    if (expected !== d.logHash) {
      report({
        ...at,
        code: 'checkpoint-log-hash-mismatch',
        message: `the log up to position ${d.position} is not the log that was signed: an event at a position from ${since + 1} to ${d.position} was edited, dropped, inserted or reordered (even if its hash chain was recomputed)`,
        expected: d.logHash,
        actual: expected,
      });
      return;
    }
    if (options.publicKey) {
      checkpoints.verified += 1;
      checkpoints.lastVerifiedPosition = d.position;
      checkpoints.lastVerifiedCheckpointAt = e.position;
    }
  }

  const end = (p: VerifyProblem): void => report(p);
  for (const a of audits) a.finish(end);
  if (header.contiguousPositions ? last !== header.toPosition : last > header.toPosition) {
    report({
      code: 'log-truncated',
      position: last + 1,
      message: `the log ends at position ${last} but the header says it runs to ${header.toPosition}: events at the end were dropped`,
      expected: header.toPosition,
      actual: last,
    });
  }
  if (options.publicKey && checkpoints.total === 0 && last > 0) {
    report({
      code: 'no-checkpoint',
      position: last,
      message: 'a public key was given but the log holds no signed checkpoint: nothing in it is covered by a signature',
    });
  }

  const list = problems.list();
  const domain: Record<string, unknown> = {};
  for (const a of audits) Object.assign(domain, a.summary());
  return {
    ok: problems.total === 0,
    header,
    events,
    streams: streams.size,
    lastPosition: last,
    logHash: window.current,
    checkpoints,
    domain,
    ...(list.length ? { firstProblem: describeProblem(list[0]) } : {}),
    problems: list,
    problemCount: problems.total,
  };
}
