import type { DataUse } from '../consent/data-use';

/** Who a dataset belongs to: a contributor's contribution, or a consumer's reference corpus (never paid). */
export type DatasetOwner = { kind: 'contribution'; contributorId: string } | { kind: 'reference'; consumerId: string };

export type DatasetFormat = 'txt' | 'markdown' | 'jsonl' | 'csv' | 'parquet' | 'tar' | 'zip';
export type DatasetCompression = 'none' | 'gzip' | 'zstd';
/**
 * How a .txt file is cut into documents (the `sample_by` of Hugging Face's
 * text loader): the whole file (default since issue #13), blank-line
 * separated paragraphs, or lines. Uploads recorded without it were cut into
 * paragraphs (the only behaviour then) and are read that way.
 */
export type TxtSplit = 'document' | 'paragraph' | 'line';
export const TXT_SPLITS: readonly TxtSplit[] = ['document', 'paragraph', 'line'];

/** Stream `dataset-<datasetId>`, all events below. */
export interface DatasetUploaded {
  type: 'DatasetUploaded';
  data: DatasetOwner & {
    datasetId: string;
    fileName: string;
    format: DatasetFormat;
    compression: DatasetCompression;
    sizeBytes: number;
    /** Hex SHA-256 of the uploaded bytes. */
    sha256: string;
    blobRef: string;
    /** Field holding the text for jsonl/csv/parquet; null for txt. */
    textField: string | null;
    /** .txt only: how the file is cut into documents; absent on uploads recorded before issue #13 (read as 'paragraph'). */
    split?: TxtSplit;
    /**
     * The pipeline this upload is to be judged with, recorded at upload time
     * (the uploading process's default), so a rolling upgrade cannot decide
     * it with an older worker's default. Absent on uploads recorded before it
     * existed: those mean "the judging process's default at the time".
     */
    pipeline?: PipelineRef;
    /** The data request this upload answers (issue #15); absent for ordinary uploads. */
    requestId?: string;
    /**
     * Issue #14: the SPDX licence the data is offered under (or the platform
     * grant), and the uses its owner consents to. Absent on uploads recorded
     * before consent existed: licence unknown (null; not eligible for a
     * consumer whose scope lists licences), uses ['training'] (DEFAULT_USES).
     */
    licence?: string;
    uses?: DataUse[];
    uploadedAt: string;
  };
}

export interface PipelineRef {
  name: string;
  version: string;
  configHash: string;
}

export interface DatasetPreprocessed {
  type: 'DatasetPreprocessed';
  data: {
    datasetId: string;
    pipeline: PipelineRef;
    documentsIn: number;
    documentsKept: number;
    /** Documents removed per reason (filter name, "exact-duplicate", "already held by the consumer"…). */
    removed: Record<string, number>;
    /** Of the removed, how many duplicate an earlier contribution in log order. */
    duplicatesOfEarlier: number;
    /** Root hash of the kept documents' manifest. */
    manifestRoot: string;
    reportBlobRef: string;
    /**
     * Routed pipelines (v2, issue #13) only: tokens of the kept documents per
     * language (ISO 639-1, else 639-3; 'zxx' for code) and per content class.
     * Absent on results of v1 pipelines.
     */
    languages?: Record<string, number>;
    contentClasses?: Record<string, number>;
    /**
     * Uploads answering an open data request (issue #15) only: how many of
     * the kept tokens match the request (language and class in its lists,
     * and its keywords or sample text). docs/DATA-REQUESTS.md.
     */
    requestMatch?: { requestId: string; matchingTokens: number };
    /**
     * Tokens of the kept documents per language and class together
     * ({language: {contentClass: tokens}}), so a scope restricting both counts
     * exactly (issue #14). Absent on results recorded before it.
     */
    languageClasses?: Record<string, Record<string, number>>;
    preprocessedAt: string;
  };
}

export interface DatasetTokensCounted {
  type: 'DatasetTokensCounted';
  /** tokens: non-negative integer as a decimal string. */
  data: { datasetId: string; tokenizer: string; tokens: string; countedAt: string };
}

/** The dataset joins the pool (references join only the dedup index). Carries owner and tokens so folds need no join. */
export interface DatasetAccepted {
  type: 'DatasetAccepted';
  data: DatasetOwner & {
    datasetId: string;
    tokens: string;
    /** Uploads answering an open data request: tokens credited to it, in log order until its target (DataRequestBook). */
    requestCredit?: { requestId: string; creditedTokens: string };
    acceptedAt: string;
  };
}

export interface DatasetRejected {
  type: 'DatasetRejected';
  data: { datasetId: string; reason: string; detail?: string; rejectedAt: string };
}

/** Leaves the pool for revenue reported after it; past payout runs are unaffected. */
export interface DatasetWithdrawn {
  type: 'DatasetWithdrawn';
  data: DatasetOwner & { datasetId: string; tokens: string; reason?: string; withdrawnAt: string };
}

/**
 * The owner changes the uses the dataset is offered for (issue #14). It takes
 * effect from its log position: runs of reports recorded before it stand.
 */
export interface DatasetConsentChanged {
  type: 'DatasetConsentChanged';
  data: { datasetId: string; contributorId: string; uses: DataUse[]; previousUses: DataUse[]; changedAt: string };
}

/** One document taken out of every future use, with what the filtering result says of it. */
export interface ExcludedDocument {
  /** 0-based index of the document in the upload (as in the per-document report). */
  index: number;
  /** Its kept tokens (from the per-document report). */
  tokens: number;
  /** Its language and class (pipeline v2), absent when the result has none. */
  language?: string;
  contentClass?: string;
}

/**
 * The owner opts documents out (issue #14): their tokens leave the pool from
 * this position (like a withdrawal of part of the dataset); runs already made
 * stand. `tokens` = Σ documents' tokens.
 */
export interface DatasetDocumentsExcluded {
  type: 'DatasetDocumentsExcluded';
  data: { datasetId: string; contributorId: string; documents: ExcludedDocument[]; tokens: string; excludedAt: string };
}

export type DatasetEvent =
  | DatasetUploaded
  | DatasetPreprocessed
  | DatasetTokensCounted
  | DatasetAccepted
  | DatasetRejected
  | DatasetWithdrawn
  | DatasetConsentChanged
  | DatasetDocumentsExcluded;
