import { streamNames } from '@1tt/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore, type BlobStore } from '@1tt/blob-store';
import { type DatasetUploadedData } from '@1tt/dataset-processing';
import { createEventStore, type EventStore } from '@1tt/event-store';

/**
 * Datasets for the processing suites, below the HTTP API: the file goes to
 * the blob store and its DatasetUploaded event opens the dataset's stream,
 * as the upload route leaves them (the owner is taken as registered).
 */

/** Who uploads: a contributor (a contribution) or a consumer (a reference dataset). */
export type UploadOwner = { contributorId: string } | { consumerId: string };

export interface UploadOptions {
  /** Default: the contributor `alice`. */
  owner?: UploadOwner;
  /** Default `<datasetId>.txt`; a name ending in `.gz` is recorded as gzip-compressed. */
  fileName?: string;
  /** Default: now. */
  uploadedAt?: string;
}

/** Stores the file and answers the DatasetUploaded data an upload of it records (nothing is appended). */
export async function stageUpload(
  blobs: BlobStore,
  datasetId: string,
  content: Buffer | string,
  options: UploadOptions = {},
): Promise<DatasetUploadedData> {
  const owner = options.owner ?? { contributorId: 'alice' };
  const fileName = options.fileName ?? `${datasetId}.txt`;
  const put = await blobs.putBuffer(content);
  return {
    datasetId,
    ...('consumerId' in owner
      ? { kind: 'reference' as const, consumerId: owner.consumerId }
      : { kind: 'contribution' as const, contributorId: owner.contributorId }),
    fileName,
    format: 'txt',
    compression: fileName.endsWith('.gz') ? 'gzip' : 'none',
    textField: null,
    sizeBytes: put.sizeBytes,
    sha256: put.sha256,
    blobRef: put.ref,
    uploadedAt: options.uploadedAt ?? new Date().toISOString(),
  };
}

/** Uploads a dataset: stores the file and appends its DatasetUploaded event to a new dataset stream. */
export async function upload(
  stores: { events: EventStore; blobs: BlobStore },
  datasetId: string,
  content: Buffer | string,
  options: UploadOptions = {},
): Promise<DatasetUploadedData> {
  const data = await stageUpload(stores.blobs, datasetId, content, options);
  await stores.events.appendToStream(streamNames.dataset(datasetId), [{ type: 'DatasetUploaded', data }], {
    expectedRevision: 'no-stream',
  });
  return data;
}

/** An event log (SQLite) and a blob directory in a fresh temporary directory; close() removes it. */
export interface TempStores {
  dir: string;
  eventsUrl: string;
  events: EventStore;
  blobs: LocalBlobStore;
  close(): Promise<void>;
}

export async function openTempStores(prefix: string, dir = mkdtempSync(path.join(os.tmpdir(), `1tt-${prefix}-`))): Promise<TempStores> {
  const eventsUrl = `sqlite:${path.join(dir, 'events.db')}`;
  const events = await createEventStore(eventsUrl);
  const blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
  return {
    dir,
    eventsUrl,
    events,
    blobs,
    async close() {
      await events.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
