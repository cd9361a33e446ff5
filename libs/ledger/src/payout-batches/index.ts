export * from './payout-batch.events';
export * from './payout-batch.decider';
export * from './reconcile-line';
