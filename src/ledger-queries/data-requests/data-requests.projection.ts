import type { DataRequestOpened } from '@1tt/ledger';
import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { dataOf, int, str } from '../ledger-event-data';

export const DATA_REQUESTS = 'ledger_data_requests';

export interface DataRequestDoc extends Record<string, unknown> {
  request: DataRequestOpened['data'];
  consumerId: string;
  /** Set by DataRequestClosed (closed early). */
  closedAt: string | null;
  /** Tokens credited so far (digit string), from the requestCredit of accepted datasets. */
  creditedTokens: string;
  creditedDatasets: number;
}

/**
 * Data requests and what has been credited to them (issue #15): the read
 * model of GET /v1/data-requests[/{id}]. Credits come from the
 * `requestCredit` each accepted dataset records (see
 * docs/DATA-REQUESTS.md); the open/closed status depends on time and is
 * computed by the query.
 */
export const dataRequestsProjection: Projection = {
  name: 'ledger-data-requests',
  version: 1,
  collections: [{ name: DATA_REQUESTS, indexes: ['consumerId'] }],
  handles: ['DataRequestOpened', 'DataRequestClosed', 'DatasetAccepted'],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    const d = dataOf(event);
    if (event.type === 'DataRequestOpened') {
      const requestId = str(d, 'requestId');
      const consumerId = str(d, 'consumerId');
      if (!requestId || !consumerId || (await tx.get(DATA_REQUESTS, requestId))) return;
      tx.put(DATA_REQUESTS, requestId, {
        request: d as DataRequestOpened['data'],
        consumerId,
        closedAt: null,
        creditedTokens: '0',
        creditedDatasets: 0,
      } satisfies DataRequestDoc);
      return;
    }
    if (event.type === 'DataRequestClosed') {
      const requestId = str(d, 'requestId');
      const cur = requestId ? await tx.get<DataRequestDoc>(DATA_REQUESTS, requestId) : undefined;
      if (!requestId || !cur || cur.closedAt) return;
      tx.put(DATA_REQUESTS, requestId, { ...cur, closedAt: str(d, 'closedAt') ?? event.metadata.recordedAt });
      return;
    }
    // DatasetAccepted with requestCredit {requestId, creditedTokens}.
    const credit = d.requestCredit && typeof d.requestCredit === 'object' ? (d.requestCredit as Record<string, unknown>) : undefined;
    const requestId = credit && str(credit, 'requestId');
    const tokens = credit && int(credit, 'creditedTokens');
    if (!requestId || tokens === undefined || tokens === 0n) return;
    const cur = await tx.get<DataRequestDoc>(DATA_REQUESTS, requestId);
    if (!cur) return;
    tx.put(DATA_REQUESTS, requestId, {
      ...cur,
      creditedTokens: (BigInt(cur.creditedTokens) + tokens).toString(),
      creditedDatasets: cur.creditedDatasets + 1,
    });
  },
};
