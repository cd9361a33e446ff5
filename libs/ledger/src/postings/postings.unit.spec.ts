import { postingsFor } from './postings';

describe('postingsFor', () => {
  it('moves a settlement from payable to paid', () => {
    expect(
      postingsFor({ type: 'PayoutSettled', data: { contributorId: 'c1', amount: '1.50', currency: 'EUR', reference: 't', settledAt: '' } }),
    ).toEqual([
      { account: 'contributor:c1:payable', currency: 'EUR', amount: -150n },
      { account: 'contributor:c1:paid', currency: 'EUR', amount: 150n },
    ]);
  });
  it('books a revenue report as owed by the consumer into the report pool', () => {
    expect(postingsFor({ type: 'RevenueReported', data: { revenueId: 'r', consumerId: 'k', amount: '1500', currency: 'KRW' } })).toEqual([
      { account: 'consumer:k:receivable', currency: 'KRW', amount: -1500n },
      { account: 'pool:r', currency: 'KRW', amount: 1500n },
    ]);
  });
  it('skips zero allocations and posts nothing for events without money', () => {
    expect(
      postingsFor({
        type: 'PayoutRunAllocationsRecorded',
        data: {
          revenueId: 'r',
          consumerId: 'k',
          currency: 'USD',
          chunkIndex: 0,
          allocations: [{ contributorId: 'a', tokens: '1', weight: '1', amount: '0.00' }],
        },
      }),
    ).toEqual([]);
    expect(postingsFor({ type: 'DatasetAccepted', data: {} })).toEqual([]);
    expect(postingsFor({ type: 'PayoutRunStarted', data: {} })).toEqual([]);
  });
});
