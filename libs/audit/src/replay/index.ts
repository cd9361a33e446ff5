export * from './ledger-replay';
export * from './ledger-snapshot';
