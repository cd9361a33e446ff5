/**
 * The response shapes the dashboard reads, named as the public contract names
 * them (issue 4 item 5, issue 5 item 6). Money and ratios are decimal strings;
 * the dashboard never turns money into a float. Every read says which log
 * position it reflects (`position`).
 */
export type Role = 'admin' | 'contributor' | 'consumer' | 'auditor';

export interface Me {
  role: Role;
  subjectId: string;
  /** The caller's display name (null for the admin). */
  displayName?: string | null;
}

/** Beside every contributorId/consumerId the API puts the party's display name (null when not the caller's to see). */
export interface ContributorNamed {
  contributorDisplayName?: string | null;
}
export interface ConsumerNamed {
  consumerDisplayName?: string | null;
}

/** Money per currency ("EUR" → "12.34"), or a single amount with `currency` beside it. */
export type MoneyField = string | Record<string, string> | null | undefined;

export interface Positioned {
  position?: number;
}

export interface ContributorMetrics extends Positioned, ContributorNamed {
  contributorId?: string;
  contributionRatio: string;
  tokens: string | number;
  currentRevenue: MoneyField;
  expectedPayout: MoneyField;
  paidOut?: MoneyField;
  balance?: MoneyField;
  currency?: string;
  /** Issue #14: the share of each consumer's eligible pool (its scope). */
  byConsumer?: ConsumerShare[];
}

export interface PoolEntry extends ContributorNamed {
  contributorId: string;
  tokens: string | number;
  ratio: string;
}

export interface Pool extends Positioned {
  totalTokens: string | number;
  /** All contributors in the pool (the list itself is paginated). */
  contributorCount?: number;
  contributors: PoolEntry[];
}

export type DatasetStatus = 'processing' | 'accepted' | 'rejected' | 'withdrawn';

export interface DatasetProgress {
  documentsDone?: number;
  bytesRead?: number;
  totalBytes?: number;
}

export interface Dataset extends Positioned, ContributorNamed {
  datasetId: string;
  contributorId: string | null;
  status: DatasetStatus;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt?: string;
  documentsIn: number | null;
  documentsKept: number | null;
  removed: Record<string, number>;
  tokens: number | string | null;
  tokenizer: string | null;
  pipeline?: { name: string; version: string; configHash: string } | null;
  /** Tokens kept per language and per content class (pipeline v2); null under v1. */
  languages?: Record<string, number> | null;
  contentClasses?: Record<string, number> | null;
  /** Issue #14: SPDX licence (null: recorded before licences), uses granted now, documents opted out. */
  licence?: string | null;
  uses?: string[];
  excludedDocuments?: number;
  excludedTokens?: number;
  progress: DatasetProgress | null;
  rejectionReason?: string;
}

export interface Page<T> extends Positioned {
  items: T[];
  nextCursor?: string | null;
}

export interface ReportItem {
  index: number;
  kept: boolean;
  reason?: string;
  detail?: string;
  explanation?: string;
  block?: string;
  tokens: number;
  language?: string;
  languageScore?: number;
  contentClass?: string;
  member?: string;
}

export interface Payout extends ConsumerNamed {
  /** "allocation" (a payout run's share) or a settlement; allocations are what the chart shows. */
  kind?: string;
  revenueId?: string;
  consumerId?: string;
  position?: number;
  recordedAt?: string;
  tokens?: string | number;
  ratio?: string;
  amount: string;
  currency: string;
}

export interface AuditTrailItem {
  position: number;
  type: string;
  time?: string;
  recordedAt?: string;
  streamId?: string;
  streamName?: string;
  data?: unknown;
  hash: string;
  prevHash?: string;
}

export interface LogEvent extends AuditTrailItem {
  id?: string;
  revision?: number;
  metadata?: Record<string, unknown>;
}

export interface LogPage extends Positioned {
  items?: LogEvent[];
  events?: LogEvent[];
  nextPosition?: number | null;
  nextCursor?: string | null;
}

export interface VerifyResult extends Positioned {
  ok: boolean;
  checkedEvents: number;
  problems: unknown[];
}

export interface Allocation extends ContributorNamed {
  contributorId: string;
  tokens: string | number;
  ratio: string;
  amount: string;
}

export interface PayoutRun extends Positioned, ConsumerNamed {
  revenueId: string;
  status: string;
  poolPosition: number;
  totalTokens: string | number;
  currency: string;
  poolAmount: string;
  remainder: string;
  rootHash: string;
  /** snapshot | time-weighted; ΣW (tokens, or token-milliseconds over the period); the pool amount no contributor received. */
  policy?: string;
  totalWeight?: string;
  unallocated?: string;
  allocationCount?: number;
  allocations: Allocation[];
  nextCursor?: string | null;
}

export interface RevenueReport extends Positioned, ConsumerNamed {
  revenueId: string;
  consumerId?: string;
  status: string;
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  alpha?: string;
  recordedAt?: string;
  payoutRun?: Partial<PayoutRun> | null;
}

/** Issue #14: what a consumer pays for (null lists: any). */
export interface ConsumerScope {
  uses: string[];
  languages: string[] | null;
  contentClasses: string[] | null;
  licences: string[] | null;
}

/** A contributor's share of one consumer's eligible pool (metrics.byConsumer). */
export interface ConsumerShare extends ConsumerNamed {
  consumerId: string;
  scope: ConsumerScope | null;
  eligibleTokens: string;
  totalEligibleTokens: string;
  contributionRatio: string;
  currency: string;
  expectedPayout: string;
}
