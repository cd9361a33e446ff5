export * from './ledger-facts';
export * from './ledger-replay';
export * from './ledger-snapshot';
export * from './allocation-root';
