import fc from 'fast-check';
import type { LoggedEvent } from '../events/ledger-event';
import { DataRequestBook } from './data-request-book';

let position = 0;
const at = (type: string, data: Record<string, unknown>, recordedAt = '2026-12-01T12:00:00.000Z'): LoggedEvent => ({
  type,
  data,
  position: ++position,
  metadata: { recordedAt },
});
const opened = (requestId: string, tokenTarget: string) =>
  at('DataRequestOpened', {
    requestId,
    consumerId: 'acme',
    languages: ['en'],
    contentClasses: [],
    keywords: [],
    sampleText: null,
    tokenTarget,
    weight: '2',
    opensAt: '2026-12-01T00:00:00.000Z',
    closesAt: '2026-12-31T00:00:00.000Z',
    weightUntil: '2027-03-01T00:00:00.000Z',
    openedAt: '2026-12-01T00:00:00.000Z',
  });
const upload = (datasetId: string, requestId: string | undefined, recordedAt?: string, kind = 'contribution') =>
  at('DatasetUploaded', { datasetId, kind, contributorId: 'ann', ...(requestId ? { requestId } : {}) }, recordedAt);
const preprocessed = (datasetId: string, requestId: string, matchingTokens: number) =>
  at('DatasetPreprocessed', { datasetId, requestMatch: { requestId, matchingTokens } });
const accepted = (datasetId: string, tokens: string) =>
  at('DatasetAccepted', { datasetId, kind: 'contribution', contributorId: 'ann', tokens });

describe('DataRequestBook (the crediting rule)', () => {
  it('credits matching tokens in log order and stops at the target', () => {
    const book = DataRequestBook.fromEvents([
      opened('r', '1000'),
      upload('d1', 'r'),
      upload('d2', 'r'),
      upload('d3', 'r'),
      preprocessed('d1', 'r', 600),
      accepted('d1', '900'),
      preprocessed('d2', 'r', 700),
      accepted('d2', '700'),
      preprocessed('d3', 'r', 50),
      accepted('d3', '50'),
    ]);
    expect(book.creditOf('d1')).toEqual({ requestId: 'r', creditedTokens: '600' });
    expect(book.creditOf('d2')).toEqual({ requestId: 'r', creditedTokens: '400' });
    expect(book.creditOf('d3')).toEqual({ requestId: 'r', creditedTokens: '0' });
    expect(book.request('r')!.credited).toBe(1000n);
  });

  it('credits nothing to uploads outside the window, after an early close, of references, or rejected', () => {
    const book = DataRequestBook.fromEvents([
      upload('before', 'r'), // the request does not exist yet
      opened('r', '1000'),
      upload('early', 'r', '2026-11-30T23:59:59.999Z'),
      upload('late', 'r', '2026-12-31T00:00:00.000Z'),
      upload('ref', 'r', undefined, 'reference'),
      upload('rejected', 'r'),
      upload('plain', undefined),
      at('DataRequestClosed', { requestId: 'r', consumerId: 'acme', closedBy: 'consumer', closedAt: '2026-12-02T00:00:00.000Z' }),
      upload('closed', 'r'),
      ...['before', 'early', 'late', 'ref', 'plain', 'closed'].flatMap((id) => [preprocessed(id, 'r', 10), accepted(id, '10')]),
      preprocessed('rejected', 'r', 10),
      at('DatasetRejected', { datasetId: 'rejected', reason: 'x' }),
    ]);
    for (const id of ['before', 'early', 'late', 'ref', 'plain', 'closed', 'rejected'])
      expect({ id, c: book.creditOf(id) }).toEqual({ id, c: undefined });
    expect(book.request('r')!.credited).toBe(0n);
  });

  it('an upload made while open is still credited when the request is closed before its decision', () => {
    const book = DataRequestBook.fromEvents([
      opened('r', '1000'),
      upload('d', 'r'),
      at('DataRequestClosed', { requestId: 'r', consumerId: 'acme', closedBy: 'admin', closedAt: '2026-12-02T00:00:00.000Z' }),
      preprocessed('d', 'r', 10),
      accepted('d', '10'),
    ]);
    expect(book.creditOf('d')).toEqual({ requestId: 'r', creditedTokens: '10' });
  });

  it('never credits more than the target, whatever the uploads (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.tuple(fc.nat(5000), fc.boolean()), { maxLength: 30 }), (target, ds) => {
        const events = [opened('r', String(target))];
        ds.forEach((_, i) => events.push(upload(`d${i}`, 'r')));
        ds.forEach(([m, ok], i) => {
          events.push(preprocessed(`d${i}`, 'r', m));
          events.push(ok ? accepted(`d${i}`, String(m)) : at('DatasetRejected', { datasetId: `d${i}` }));
        });
        const book = DataRequestBook.fromEvents(events);
        let sum = 0n;
        let expectedLeft = BigInt(target);
        ds.forEach(([m, ok], i) => {
          const c = book.creditOf(`d${i}`);
          if (!ok) return expect(c).toBeUndefined();
          const want = BigInt(m) < expectedLeft ? BigInt(m) : expectedLeft;
          expect(c).toEqual({ requestId: 'r', creditedTokens: want.toString() });
          expectedLeft -= want;
          sum += want;
        });
        expect(book.request('r')!.credited).toBe(sum);
        expect(sum <= BigInt(target)).toBe(true);
      }),
    );
  });
});
