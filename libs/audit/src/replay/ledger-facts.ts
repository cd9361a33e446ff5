import type { RecordedEvent } from '@1tt/event-store';
import type { RecordedAllocation } from './ledger-replay';

/**
 * The ledger events an audit reads, as typed facts. The log is untrusted
 * input: every field is checked here, and an event of a known type with a
 * malformed body is an AuditFactError (reported against that event), never
 * a crash or a silent zero.
 */
export type LedgerFact =
  | { kind: 'contributor-registered'; contributorId: string }
  | { kind: 'consumer-registered'; consumerId: string }
  | { kind: 'agreement'; consumerId: string; alpha: string; currency: string; policy: string; effectiveFrom: string }
  | { kind: 'dataset-uploaded'; datasetId: string; contributorId: string }
  | { kind: 'dataset-tokens-counted'; datasetId: string; tokens: bigint }
  | { kind: 'dataset-accepted'; datasetId: string }
  | { kind: 'dataset-rejected'; datasetId: string }
  | { kind: 'dataset-withdrawn'; datasetId: string }
  | { kind: 'revenue-reported'; revenueId: string; consumerId: string; amount: string; currency: string; alpha: string; periodStart?: string; periodEnd?: string }
  | {
      kind: 'payout-run-completed';
      revenueId: string;
      consumerId?: string;
      poolPosition: number;
      totalTokens: bigint;
      currency: string;
      poolAmount: bigint;
      remainder: bigint;
      rootHash: string;
      roundingRule: string;
      allocations: RecordedAllocation[];
    }
  | { kind: 'payout-settled'; contributorId: string; amount: bigint; currency: string; reference?: string };

export class AuditFactError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuditFactError';
  }
}

type Data = Record<string, unknown>;

function idFromStream(e: RecordedEvent, category: string): string | undefined {
  return e.streamName.startsWith(`${category}-`) ? e.streamName.slice(category.length + 1) : undefined;
}

function str(d: Data, field: string, fallback?: string): string {
  const v = d[field] ?? fallback;
  if (typeof v !== 'string' || v.length === 0) throw new AuditFactError(field, `data.${field} must be a non-empty string`);
  return v;
}

function optStr(d: Data, field: string): string | undefined {
  const v = d[field];
  return typeof v === 'string' ? v : undefined;
}

/** A count or a minor-unit amount: a safe integer or a decimal-digit string. */
function int(d: Data, field: string): bigint {
  const v = d[field];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new AuditFactError(field, `data.${field} must be a non-negative integer, got ${JSON.stringify(v)}`);
}

function num(d: Data, field: string): number {
  const v = int(d, field);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new AuditFactError(field, `data.${field} is too large`);
  return Number(v);
}

export function readFact(e: RecordedEvent): LedgerFact | undefined {
  const d = (e.data ?? {}) as Data;
  switch (e.type) {
    case 'ContributorRegistered':
      return { kind: 'contributor-registered', contributorId: str(d, 'contributorId', idFromStream(e, 'contributor')) };
    case 'ConsumerRegistered':
      return { kind: 'consumer-registered', consumerId: str(d, 'consumerId', idFromStream(e, 'consumer')) };
    case 'RevenueShareAgreed':
      return {
        kind: 'agreement',
        consumerId: str(d, 'consumerId', idFromStream(e, 'consumer')),
        alpha: str(d, 'alpha'),
        currency: str(d, 'currency'),
        policy: str(d, 'policy'),
        effectiveFrom: str(d, 'effectiveFrom', e.metadata.recordedAt),
      };
    case 'DatasetUploaded':
      return { kind: 'dataset-uploaded', datasetId: str(d, 'datasetId', idFromStream(e, 'dataset')), contributorId: str(d, 'contributorId') };
    case 'DatasetTokensCounted':
      return { kind: 'dataset-tokens-counted', datasetId: str(d, 'datasetId', idFromStream(e, 'dataset')), tokens: int(d, 'tokens') };
    case 'DatasetAccepted':
      return { kind: 'dataset-accepted', datasetId: str(d, 'datasetId', idFromStream(e, 'dataset')) };
    case 'DatasetRejected':
      return { kind: 'dataset-rejected', datasetId: str(d, 'datasetId', idFromStream(e, 'dataset')) };
    case 'DatasetWithdrawn':
      return { kind: 'dataset-withdrawn', datasetId: str(d, 'datasetId', idFromStream(e, 'dataset')) };
    case 'RevenueReported':
      return {
        kind: 'revenue-reported',
        revenueId: str(d, 'revenueId', idFromStream(e, 'revenue')),
        consumerId: str(d, 'consumerId'),
        amount: str(d, 'amount'),
        currency: str(d, 'currency'),
        alpha: str(d, 'alpha'),
        periodStart: optStr(d, 'periodStart'),
        periodEnd: optStr(d, 'periodEnd'),
      };
    case 'PayoutRunCompleted': {
      const raw = d.allocations;
      if (!Array.isArray(raw)) throw new AuditFactError('allocations', 'data.allocations must be an array');
      const allocations = raw.map((a: Data) => ({ contributorId: str(a, 'contributorId'), tokens: int(a, 'tokens'), amount: int(a, 'amount') }));
      return {
        kind: 'payout-run-completed',
        revenueId: str(d, 'revenueId', idFromStream(e, 'payout-run')),
        consumerId: optStr(d, 'consumerId'),
        poolPosition: num(d, 'poolPosition'),
        totalTokens: int(d, 'totalTokens'),
        currency: str(d, 'currency'),
        poolAmount: int(d, 'poolAmount'),
        remainder: int(d, 'remainder'),
        rootHash: str(d, 'rootHash'),
        roundingRule: str(d, 'roundingRule'),
        allocations,
      };
    }
    case 'PayoutSettled':
      return { kind: 'payout-settled', contributorId: str(d, 'contributorId'), amount: int(d, 'amount'), currency: str(d, 'currency'), reference: optStr(d, 'reference') };
    default:
      return undefined;
  }
}
