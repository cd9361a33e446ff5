import * as path from 'node:path';
import type { DatasetClaims } from './dataset-claims.port';
import { SqliteDatasetClaims } from './sqlite-dataset-claims.adapter';

export interface DatasetClaimsFactoryOptions {
  /** EVENT_STORE_URL: the claims live where the log's processes can all reach them. */
  eventStoreUrl: string;
  /** DATA_DIR: the embedded store's claims file is DATA_DIR/claims.db. */
  dataDir: string;
  /** DATASET_CLAIM_LEASE_SECONDS (SQLite and PostgreSQL leases). */
  leaseSeconds: number;
}

/**
 * Chooses how processes share datasets from the event store URL: an
 * EventStoreDB persistent subscription (competing consumers) next to an
 * EventStoreDB log, PostgreSQL leases (FOR UPDATE SKIP LOCKED) in the event store's
 * database next to a PostgreSQL log, SQLite leases in DATA_DIR/claims.db next to the embedded
 * log (its own file: the event store's file holds the log alone).
 */
export async function createDatasetClaims(options: DatasetClaimsFactoryOptions): Promise<DatasetClaims> {
  if (/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//i.test(options.eventStoreUrl)) {
    const { EventStoreDbDatasetClaims } = await import('./eventstoredb-dataset-claims.adapter');
    return new EventStoreDbDatasetClaims({ connectionString: options.eventStoreUrl });
  }
  if (/^postgres(ql)?:\/\//i.test(options.eventStoreUrl)) {
    const { PostgresDatasetClaims } = await import('./postgres-dataset-claims.adapter');
    return new PostgresDatasetClaims({ connectionString: options.eventStoreUrl, leaseSeconds: options.leaseSeconds });
  }
  return new SqliteDatasetClaims({ path: path.join(options.dataDir, 'claims.db'), leaseSeconds: options.leaseSeconds });
}
